// Joining byte arrays. noble's concatBytes takes its parts as arguments, which overflows the call stack
// for the thousands of pieces a large stream produces; this takes an array.

/** The concatenation of `parts`, in a new array. */
export function concatParts(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

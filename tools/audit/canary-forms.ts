// The byte patterns a canary can take on disk: raw UTF-8, hex (lower and upper case), and base64 and
// base64url at each of the three alignments a string can have inside a longer encoded value.
//
// Base64 maps 3 bytes to 4 characters, so the encoding of a canary embedded at byte offset k of a larger
// value depends on k mod 3. For each k in 0, 1, 2 we encode k filler bytes then the canary, and keep only
// the characters whose 6 bits all come from the canary: from index ceil(8k / 6) to floor(8(k + n) / 6)
// (exclusive), n = canary length. Those characters appear in any base64 text that encodes the canary at
// that alignment, whatever surrounds it.

export interface CanaryForm {
  canaryIndex: number;
  /** "raw", "hex", "HEX", "base64+k", "base64url+k", or "base64/base64url+k" when both are the same text. */
  form: string;
  bytes: Buffer;
}

/** Shortest base64 core kept: shorter ones would match random bytes by chance. */
const MIN_ENCODED_CHARS = 4;

export function canaryForms(canaries: readonly string[]): CanaryForm[] {
  return canaries.flatMap((canary, canaryIndex) => {
    const raw = Buffer.from(canary, 'utf8');
    const forms: CanaryForm[] = [
      { canaryIndex, form: 'raw', bytes: raw },
      { canaryIndex, form: 'hex', bytes: Buffer.from(raw.toString('hex'), 'latin1') },
      { canaryIndex, form: 'HEX', bytes: Buffer.from(raw.toString('hex').toUpperCase(), 'latin1') },
    ];
    for (let k = 0; k < 3; k++) {
      const core = base64Core(raw, k);
      if (core.length < MIN_ENCODED_CHARS) continue;
      const url = core.replaceAll('+', '-').replaceAll('/', '_');
      if (url === core) {
        forms.push({ canaryIndex, form: `base64/base64url+${k}`, bytes: Buffer.from(core, 'latin1') });
      } else {
        forms.push({ canaryIndex, form: `base64+${k}`, bytes: Buffer.from(core, 'latin1') });
        forms.push({ canaryIndex, form: `base64url+${k}`, bytes: Buffer.from(url, 'latin1') });
      }
    }
    return dedupe(forms);
  });
}

/** The base64 characters that depend only on `raw` when it starts at byte offset k (mod 3). */
export function base64Core(raw: Buffer, k: number): string {
  const encoded = Buffer.concat([Buffer.alloc(k), raw]).toString('base64');
  return encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + raw.length)) / 6));
}

/** Drops forms whose bytes repeat an earlier form of the same canary (digits-only hex, for example). */
function dedupe(forms: CanaryForm[]): CanaryForm[] {
  const seen = new Set<string>();
  return forms.filter((form) => {
    const key = form.bytes.toString('latin1');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

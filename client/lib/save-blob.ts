// Hands a decrypted document to the browser's download, under its own file name. The object URL is
// revoked right after, so the plaintext is not left reachable by URL, and it is typed as opaque bytes: an
// HTML or SVG document behind a URL of our origin must never be something a tab could render (ATK-30).
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => { URL.revokeObjectURL(url); }, 1000);
}

/** The file name without its last extension: the default title of an added document. */
export function baseName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

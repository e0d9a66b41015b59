// The MIME type recorded in a document's metadata for a picked file: the browser's guess when it is a
// well-formed media type, else application/octet-stream.
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export function mediaTypeOf(file: Blob): string {
  return MEDIA_TYPE.test(file.type) ? file.type : 'application/octet-stream';
}

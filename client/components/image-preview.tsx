// An image preview: the decrypted Blob, typed as the raster image it claims to be, behind an object URL in
// an <img>. An image context never runs script (ATK-30); the URL is revoked as soon as the preview closes.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';

export function ImagePreview({ blob, type, title }: { blob: Blob; type: string; title: string }) {
  const { messages } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    // Re-typed: opened on its own ("open image in new tab"), the URL can only ever show an image.
    const created = URL.createObjectURL(new Blob([blob], { type }));
    setUrl(created);
    setFailed(false);
    return () => { URL.revokeObjectURL(created); };
  }, [blob, type]);
  if (failed) return <p class="alert alert-warning" role="status">{messages.previewFailed}</p>;
  if (url === null) return null;
  return <img class="preview-image" src={url} alt={title} draggable={false} onError={() => { setFailed(true); }} />;
}

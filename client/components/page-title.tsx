import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from '../lib/app-context.ts';

/** False until the first page has been shown: the page opened by the browser keeps the focus at its top. */
let navigated = false;

/**
 * The page's h1. It names the page in the document title (read first by screen readers and shown in tabs
 * and history), in the current language; after an in-app navigation it takes the focus, so the new page is
 * announced and Tab continues from its top.
 */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const { messages } = useApp();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (navigated) ref.current?.focus();
    navigated = true;
  }, []);
  useEffect(() => {
    const heading = ref.current?.textContent.trim() ?? '';
    document.title = heading === '' || heading === messages.title ? messages.title : `${heading} — ${messages.title}`;
  });
  return <h1 ref={ref} tabIndex={-1}>{children}</h1>;
}

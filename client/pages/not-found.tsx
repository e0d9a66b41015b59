import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';

export function NotFound() {
  const { messages } = useApp();
  return (
    <>
      <PageTitle>{messages.notFoundTitle}</PageTitle>
      <p>{messages.notFound} <a href="/">{messages.navHome}</a></p>
    </>
  );
}

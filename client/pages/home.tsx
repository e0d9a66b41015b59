import type { Messages } from '../locales/fr.ts';

export function Home({ messages }: { messages: Messages }) {
  return (
    <>
      <h1>{messages.title}</h1>
      <p>{messages.tagline}</p>
      <p>{messages.promise}</p>
      <p>{messages.comingSoon}</p>
    </>
  );
}

import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';

export function Home() {
  const { messages, accountId } = useApp();
  return (
    <>
      <PageTitle>{messages.title}</PageTitle>
      <p>{messages.tagline}</p>
      <p>{messages.promise}</p>
      {accountId === null
        ? <p class="actions"><a class="button" href="/inscription">{messages.navSignUp}</a> <a class="button secondary" href="/connexion">{messages.navLogIn}</a></p>
        : <p class="actions"><a class="button" href="/documents">{messages.navDocuments}</a></p>}
    </>
  );
}

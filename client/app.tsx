// The shell: language and session context, location, then lazy routes (each page its own chunk).
import { useState } from 'preact/hooks';
import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { AppContext, useApp } from './lib/app-context.ts';
import { useLocale } from './lib/use-locale.ts';
import { useVaults, type Vaults } from './lib/use-vaults.ts';
import { VaultSwitcher } from './components/vault-switcher.tsx';
import { vaultClient, type AccountRole } from './lib/vault-client.ts';
import { Home } from './pages/home.tsx';
import { NotFound } from './pages/not-found.tsx';

const SignUp = lazy(() => import('./pages/sign-up.tsx').then((module) => module.SignUp));
const LogIn = lazy(() => import('./pages/log-in.tsx').then((module) => module.LogIn));
const Documents = lazy(() => import('./pages/documents.tsx').then((module) => module.Documents));
const AddDocuments = lazy(() => import('./pages/add-documents.tsx').then((module) => module.AddDocuments));
const Recover = lazy(() => import('./pages/recover.tsx').then((module) => module.Recover));
const Account = lazy(() => import('./pages/account.tsx').then((module) => module.Account));
const History = lazy(() => import('./pages/history.tsx').then((module) => module.History));
const Share = lazy(() => import('./pages/share.tsx').then((module) => module.Share));
const SharedWithMe = lazy(() => import('./pages/shared-with-me.tsx').then((module) => module.SharedWithMe));
const PractitionerProfile = lazy(() => import('./pages/practitioner-profile.tsx').then((module) => module.PractitionerProfile));
const Relatives = lazy(() => import('./pages/relatives.tsx').then((module) => module.Relatives));

export function App() {
  const { locale, other, messages, toggle } = useLocale();
  const [accountId, setAccountId] = useState<string | null>(null);
  const [role, setRole] = useState<AccountRole>('patient');
  const vaults = useVaults(accountId);
  return (
    <AppContext.Provider value={{ messages, locale, accountId, setAccountId, role, setRole, ...vaults }}>
      <LocationProvider>
        <SkipLink />
        <header class="site-header no-print">
          <a class="brand" href="/">{messages.title}</a>
          <button type="button" class="lang-switch" lang={other} onClick={toggle} aria-label={messages.languageSwitchLabel}>
            {messages.languageSwitch}
          </button>
          <Nav />
          <VaultSwitcher />
        </header>
        {/* A new record selected: every page starts again on it. One's own record keeps one key from log-in on,
            so the page shown is not drawn twice when the list of records arrives. */}
        <main id="main" key={pageKey(vaults)}>
          <ErrorBoundary>
            <Router>
              <Route path="/" component={Home} />
              <Route path="/inscription" component={SignUp} />
              <Route path="/connexion" component={LogIn} />
              <Route path="/documents" component={Documents} />
              <Route path="/documents/ajouter" component={AddDocuments} />
              <Route path="/historique" component={History} />
              <Route path="/recuperation" component={Recover} />
              <Route path="/compte" component={Account} />
              <Route path="/partager" component={Share} />
              <Route path="/partages-recus" component={SharedWithMe} />
              <Route path="/profil" component={PractitionerProfile} />
              <Route path="/proches" component={Relatives} />
              <Route default component={NotFound} />
            </Router>
          </ErrorBoundary>
        </main>
      </LocationProvider>
    </AppContext.Provider>
  );
}

function pageKey({ vaults, vaultId }: Vaults): string {
  return vaults.some((vault) => vault.vaultId === vaultId && vault.role === 'manager') ? `record:${vaultId ?? ''}` : 'own';
}

/** First stop of Tab: past the header and its links, to the page's h1 (which a screen reader then reads). */
function SkipLink() {
  const { messages } = useApp();
  const skip = (event: MouseEvent) => {
    event.preventDefault();
    document.querySelector<HTMLElement>('#main h1')?.focus();
  };
  return <a class="skip-link no-print" href="#main" onClick={skip}>{messages.skipToContent}</a>;
}

function Nav() {
  const { messages, accountId, setAccountId, role, vaults, vaultId } = useApp();
  // A relative's record is shared like one's own, whoever manages it.
  const onRelativeRecord = vaults.some((vault) => vault.vaultId === vaultId && vault.role === 'manager');
  const { route } = useLocation();
  const logOut = async () => {
    try {
      await vaultClient().call('logOut', {});
    } finally {
      setAccountId(null);
      route('/');
    }
  };
  return (
    <nav aria-label={messages.navMain}>
      <ul>
        {accountId === null
          ? <><li><a href="/inscription">{messages.navSignUp}</a></li><li><a href="/connexion">{messages.navLogIn}</a></li></>
          : (
            <>
              <li><a href="/documents">{messages.navDocuments}</a></li>
              <li><a href="/documents/ajouter">{messages.navAdd}</a></li>
              {/* Relatives share with patients too: every account may have documents shared with it. */}
              <li><a href="/partages-recus">{messages.navSharedWithMe}</a></li>
              {role === 'practitioner' && <li><a href="/profil">{messages.navProfile}</a></li>}
              {(role !== 'practitioner' || onRelativeRecord) && <li><a href="/partager">{messages.navShare}</a></li>}
              <li><a href="/historique">{messages.navHistory}</a></li>
              <li><a href="/proches">{messages.navRelatives}</a></li>
              <li><a href="/compte">{messages.navAccount}</a></li>
              <li><button type="button" class="link" onClick={() => { void logOut(); }}>{messages.navLogOut}</button></li>
            </>
          )}
      </ul>
    </nav>
  );
}

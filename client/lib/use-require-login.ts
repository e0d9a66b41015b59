// Pages of the vault send a visitor who is not logged in to the log-in page.
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useApp } from './app-context.ts';

/** True when someone is logged in; otherwise routes to /connexion and returns false. */
export function useRequireLogin(): boolean {
  const { accountId } = useApp();
  const { route } = useLocation();
  useEffect(() => { if (accountId === null) route('/connexion', true); }, [accountId, route]);
  return accountId !== null;
}

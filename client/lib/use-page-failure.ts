// The failure handling every logged-in page shares: a lost session goes back to log-in, anything else
// becomes one sentence for the page's alert.
import { useLocation } from 'preact-iso';
import { useApp } from './app-context.ts';
import { errorMessage, isSessionLost } from './error-message.ts';

/** Returns fail(error): null after routing to log-in, else the sentence to show. */
export function usePageFailure(): (failure: unknown) => string | null {
  const { messages, setAccountId } = useApp();
  const { route } = useLocation();
  return (failure) => {
    if (isSessionLost(failure)) {
      setAccountId(null);
      route('/connexion');
      return null;
    }
    return errorMessage(failure, messages);
  };
}

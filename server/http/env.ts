// The Hono environment every API route shares: the injected services, the caller's address, and (behind
// requireSession) the caller's session.
import type { Deps } from '../services/deps.ts';
import type { ActiveSession } from '../services/sessions.ts';

export interface RequestSession extends ActiveSession {
  /** True when the token came from the cookie (a browser), false for a bearer token. */
  viaCookie: boolean;
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    address: string;
    session: RequestSession;
  };
}

// Login throttling, kept in the database so it survives restarts and holds across processes. Failures
// are counted per account and per client address, sign-ups per address, in a fixed window; reaching the
// maximum locks the key. Keys are HMACs under the server secret, so neither ids typed by mistake nor IP
// addresses are stored readable; stale rows are purged with expired sessions. Unknown and known account
// ids are counted alike (ATK-28).
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { ApiError } from '../http-error.ts';
import { loginThrottles } from '../storage/schema.ts';
import type { Deps } from './deps.ts';

export interface ThrottleKeys {
  account: string;
  address: string;
}

export function throttleKeys(deps: Deps, accountId: string, address: string): ThrottleKeys {
  return { account: macKey(deps, 'account', accountId), address: macKey(deps, 'address', address) };
}

function macKey(deps: Deps, kind: 'account' | 'address' | 'signup', value: string): string {
  const mac = createHmac('sha256', deps.serverSecret).update(`coffre-sante/v1/server/throttle/${kind}\0`).update(value).digest('hex');
  return `${kind}:${mac}`;
}

/** Throws TOO_MANY_REQUESTS while either key is locked. */
export function assertNotThrottled(deps: Deps, keys: ThrottleKeys): void {
  for (const key of [keys.account, keys.address]) assertUnlocked(deps, key);
}

function assertUnlocked(deps: Deps, key: string): void {
  const row = deps.storage.db.select().from(loginThrottles).where(eq(loginThrottles.key, key)).get();
  if (row !== undefined && row.lockedUntil > deps.clock()) throw new ApiError('TOO_MANY_REQUESTS');
}

/**
 * Counts a sign-up from this address; TOO_MANY_REQUESTS past signUpMax in a window. Sign-up followed by
 * login tells whether an id was free, so the rate of such probes is what can be limited (ATK-28).
 */
export function countSignUp(deps: Deps, address: string): void {
  const key = macKey(deps, 'signup', address);
  assertUnlocked(deps, key);
  bump(deps, key, deps.policy.throttle.signUpMax);
}

export function recordFailure(deps: Deps, keys: ThrottleKeys): void {
  const { throttle } = deps.policy;
  bump(deps, keys.account, throttle.accountMax);
  bump(deps, keys.address, throttle.addressMax);
}

/** A successful login clears the account's counter (the address keeps its own). */
export function recordSuccess(deps: Deps, keys: ThrottleKeys): void {
  deps.storage.db.delete(loginThrottles).where(eq(loginThrottles.key, keys.account)).run();
}

/** Read and write in one transaction: failures counted at once by two server processes all count. */
function bump(deps: Deps, key: string, max: number): void {
  const now = deps.clock();
  const { windowMs, lockMs } = deps.policy.throttle;
  deps.storage.db.transaction((tx) => {
    const row = tx.select().from(loginThrottles).where(eq(loginThrottles.key, key)).get();
    const fresh = row === undefined || now - row.windowStart >= windowMs;
    const failures = fresh ? 1 : row.failures + 1;
    const windowStart = fresh ? now : row.windowStart;
    const lockedUntil = failures >= max ? now + lockMs : (row?.lockedUntil ?? 0);
    tx.insert(loginThrottles)
      .values({ key, failures, windowStart, lockedUntil })
      .onConflictDoUpdate({ target: loginThrottles.key, set: { failures, windowStart, lockedUntil } })
      .run();
  });
}

// Login throttling, kept in the database so it survives restarts and holds across processes. Failures
// are counted per account and per client address, sign-ups per address, in a fixed window; reaching the
// maximum locks the key. Keys are HMACs under the server secret, so neither ids typed by mistake nor IP
// addresses are stored readable; stale rows are purged with expired sessions. Unknown and known account
// ids are counted alike (ATK-28).
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { ApiError } from '../http-error.ts';
import { first, type Tx } from '../storage/database.ts';
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

/** True while either key is locked: read in the caller's transaction, with the count that follows it. */
export async function isThrottled(tx: Tx, keys: ThrottleKeys, now: number): Promise<boolean> {
  for (const key of [keys.account, keys.address]) if (await isLocked(tx, key, now)) return true;
  return false;
}

async function isLocked(tx: Tx, key: string, now: number): Promise<boolean> {
  const { loginThrottles } = tx.tables;
  const row = first(await tx.select().from(loginThrottles).where(eq(loginThrottles.key, key)).limit(1));
  return row !== undefined && row.lockedUntil > now;
}

/**
 * Counts a sign-up from this address; TOO_MANY_REQUESTS past signUpMax in a window. Sign-up followed by
 * login tells whether an id was free, so the rate of such probes is what can be limited (ATK-28).
 */
export async function countSignUp(deps: Deps, address: string): Promise<void> {
  const key = macKey(deps, 'signup', address);
  const now = deps.clock();
  const locked = await deps.storage.transaction(async (tx) => {
    if (await isLocked(tx, key, now)) return true;
    await bump(tx, deps, key, deps.policy.throttle.signUpMax, now);
    return false;
  });
  if (locked) throw new ApiError('TOO_MANY_REQUESTS');
}

/** A failed attempt, in the transaction that checked the lock: attempts sent at once are all counted. */
export async function recordFailure(tx: Tx, deps: Deps, keys: ThrottleKeys, now: number): Promise<void> {
  const { throttle } = deps.policy;
  await bump(tx, deps, keys.account, throttle.accountMax, now);
  await bump(tx, deps, keys.address, throttle.addressMax, now);
}

/** A successful login clears the account's counter (the address keeps its own). */
export async function recordSuccess(tx: Tx, keys: ThrottleKeys): Promise<void> {
  const { loginThrottles } = tx.tables;
  await tx.delete(loginThrottles).where(eq(loginThrottles.key, keys.account));
}

/**
 * One more failure in the window, in the caller's transaction: with the lock check before it, failures
 * counted at once by two requests or two server processes all count (on PostgreSQL the transaction is
 * serializable, and the loser of a race runs again on the winner's row).
 */
async function bump(tx: Tx, deps: Deps, key: string, max: number, now: number): Promise<void> {
  const { windowMs, lockMs } = deps.policy.throttle;
  const { loginThrottles } = tx.tables;
  const row = first(await tx.select().from(loginThrottles).where(eq(loginThrottles.key, key)).limit(1));
  const fresh = row === undefined || now - row.windowStart >= windowMs;
  const failures = fresh ? 1 : row.failures + 1;
  const windowStart = fresh ? now : row.windowStart;
  const lockedUntil = failures >= max ? now + lockMs : (row?.lockedUntil ?? 0);
  await tx.insert(loginThrottles)
    .values({ key, failures, windowStart, lockedUntil })
    .onConflictDoUpdate({ target: loginThrottles.key, set: { failures, windowStart, lockedUntil } });
}

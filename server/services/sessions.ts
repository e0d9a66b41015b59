// Sessions: a 256-bit random token handed to the client once; the database holds only SHA-256(token), so
// a copy of the database opens no session. A session ends at the first of: idle expiry (no use for
// sessionIdleMs), absolute expiry (sessionAbsoluteMs after login), logout, a password change or reset
// (other sessions), account deletion. Every login makes a new token (rotation).
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import type { SessionInfo } from '../../shared/sessions.ts';
import { SESSION_TOKEN_BYTES } from '../../shared/sessions.ts';
import { first } from '../storage/database.ts';
import type { Deps } from './deps.ts';

export interface ActiveSession {
  accountId: string;
  tokenHash: Uint8Array;
  info: SessionInfo;
}

export function hashToken(token: Uint8Array): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Starts a session for an authenticated account; returns the token (to send once) and its limits. */
export async function createSession(deps: Deps, accountId: string): Promise<{ token: Uint8Array; info: SessionInfo }> {
  const token = new Uint8Array(randomBytes(SESSION_TOKEN_BYTES));
  const now = deps.clock();
  const expiresAt = now + deps.policy.sessionAbsoluteMs;
  await deps.storage.transaction(async (tx) => {
    const { sessions } = tx.tables;
    await tx.insert(sessions).values({ tokenHash: hashToken(token), accountId, createdAt: now, lastUsedAt: now, expiresAt });
  });
  return { token, info: infoOf(deps, accountId, now, expiresAt) };
}

function infoOf(deps: Deps, accountId: string, lastUsedAt: number, expiresAt: number): SessionInfo {
  return { accountId, expiresAt, idleExpiresAt: Math.min(expiresAt, lastUsedAt + deps.policy.sessionIdleMs) };
}

/**
 * A use restarts the idle clock only when the last recorded one is this old: the update is a committed
 * write (on SQLite a synchronous disk write, synchronous = FULL), which on every request cost more than the
 * request itself (the load bench, tests/bench/load). The idle expiry is thus sessionIdleMs after a use, give
 * or take this much.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/**
 * The live session for this token, its idle clock restarted (at most once per SESSION_TOUCH_INTERVAL_MS);
 * null if unknown or expired (then removed). The lookup, on every authenticated request, is a read: only
 * the removal and the touch take a transaction.
 */
export async function resolveSession(deps: Deps, token: Uint8Array): Promise<ActiveSession | null> {
  const hash = hashToken(token);
  const { sessions } = deps.storage.tables;
  const row = first(await deps.storage.read.select().from(sessions).where(eq(sessions.tokenHash, hash)).limit(1));
  if (row === undefined) return null;
  const now = deps.clock();
  if (now >= row.expiresAt || now >= row.lastUsedAt + deps.policy.sessionIdleMs) {
    await revokeSession(deps, hash);
    return null;
  }
  const lastUsedAt = now - row.lastUsedAt >= SESSION_TOUCH_INTERVAL_MS ? now : row.lastUsedAt;
  if (lastUsedAt === now) await touchSession(deps, hash, now);
  return { accountId: row.accountId, tokenHash: hash, info: infoOf(deps, row.accountId, lastUsedAt, row.expiresAt) };
}

async function touchSession(deps: Deps, tokenHash: Buffer, now: number): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { sessions } = tx.tables;
    await tx.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.tokenHash, tokenHash));
  });
}

export async function revokeSession(deps: Deps, tokenHash: Uint8Array): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { sessions } = tx.tables;
    await tx.delete(sessions).where(eq(sessions.tokenHash, Buffer.from(tokenHash)));
  });
}

/** Ends every session of the account except `keep` (the caller's, after a password change). */
export async function revokeOtherSessions(deps: Deps, accountId: string, keep?: Uint8Array): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    const { sessions } = tx.tables;
    const condition = keep === undefined ? eq(sessions.accountId, accountId) : and(eq(sessions.accountId, accountId), ne(sessions.tokenHash, Buffer.from(keep)));
    await tx.delete(sessions).where(condition);
  });
}

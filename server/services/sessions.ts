// Sessions: a 256-bit random token handed to the client once; the database holds only SHA-256(token), so
// a copy of the database opens no session. A session ends at the first of: idle expiry (no use for
// sessionIdleMs), absolute expiry (sessionAbsoluteMs after login), logout, a password change or reset
// (other sessions), account deletion. Every login makes a new token (rotation).
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { SessionInfo } from '../../shared/sessions.ts';
import { SESSION_TOKEN_BYTES } from '../../shared/sessions.ts';
import { sessions } from '../storage/schema.ts';
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
export function createSession(deps: Deps, accountId: string): { token: Uint8Array; info: SessionInfo } {
  const token = new Uint8Array(randomBytes(SESSION_TOKEN_BYTES));
  const now = deps.clock();
  const expiresAt = now + deps.policy.sessionAbsoluteMs;
  deps.storage.db.insert(sessions).values({ tokenHash: hashToken(token), accountId, createdAt: now, lastUsedAt: now, expiresAt }).run();
  return { token, info: infoOf(deps, accountId, now, expiresAt) };
}

function infoOf(deps: Deps, accountId: string, lastUsedAt: number, expiresAt: number): SessionInfo {
  return { accountId, expiresAt, idleExpiresAt: Math.min(expiresAt, lastUsedAt + deps.policy.sessionIdleMs) };
}

/**
 * A use restarts the idle clock only when the last recorded one is this old: the update is a synchronous
 * disk write (synchronous = FULL), which on every request cost more than the request itself (the load bench,
 * tests/bench/load). The idle expiry is thus sessionIdleMs after a use, give or take this much.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

const statements = new WeakMap<Deps['storage'], ReturnType<typeof prepare>>();

/** Prepared once per database: the session lookup runs on every authenticated request. */
function prepare(storage: Deps['storage']) {
  const db = storage.db;
  return {
    find: db.select().from(sessions).where(eq(sessions.tokenHash, sql.placeholder('hash'))).prepare(),
    touch: db.update(sessions).set({ lastUsedAt: sql`${sql.placeholder('now')}` }).where(eq(sessions.tokenHash, sql.placeholder('hash'))).prepare(),
    remove: db.delete(sessions).where(eq(sessions.tokenHash, sql.placeholder('hash'))).prepare(),
  };
}

function statementsFor(storage: Deps['storage']) {
  let prepared = statements.get(storage);
  if (prepared === undefined) {
    prepared = prepare(storage);
    statements.set(storage, prepared);
  }
  return prepared;
}

/**
 * The live session for this token, its idle clock restarted (at most once per SESSION_TOUCH_INTERVAL_MS);
 * null if unknown or expired (then removed).
 */
export function resolveSession(deps: Deps, token: Uint8Array): ActiveSession | null {
  const hash = hashToken(token);
  const statements = statementsFor(deps.storage);
  const row = statements.find.get({ hash });
  if (row === undefined) return null;
  const now = deps.clock();
  if (now >= row.expiresAt || now >= row.lastUsedAt + deps.policy.sessionIdleMs) {
    statements.remove.run({ hash });
    return null;
  }
  const lastUsedAt = now - row.lastUsedAt >= SESSION_TOUCH_INTERVAL_MS ? now : row.lastUsedAt;
  if (lastUsedAt === now) statements.touch.run({ hash, now });
  return { accountId: row.accountId, tokenHash: hash, info: infoOf(deps, row.accountId, lastUsedAt, row.expiresAt) };
}

export function revokeSession(deps: Deps, tokenHash: Uint8Array): void {
  statementsFor(deps.storage).remove.run({ hash: Buffer.from(tokenHash) });
}

/** Ends every session of the account except `keep` (the caller's, after a password change). */
export function revokeOtherSessions(deps: Deps, accountId: string, keep?: Uint8Array): void {
  const condition = keep === undefined ? eq(sessions.accountId, accountId) : and(eq(sessions.accountId, accountId), ne(sessions.tokenHash, Buffer.from(keep)));
  deps.storage.db.delete(sessions).where(condition).run();
}

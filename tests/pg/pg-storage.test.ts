// The PostgreSQL storage on the machine's server: the committed migrations build schema-pg.ts in a fresh
// database, start again without change, and keep SQLite's rules: the access history is append-only once
// linked, deleting an account cascades to what it owns, bytes come back as the same bytes and times past
// 2^31 ms as exact numbers.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgStorage, PG_MIGRATIONS_FOLDER, type PgStorage } from '../../server/storage/pg-database.ts';
import { accessEvents, accounts, documents, sessions, vaults } from '../../server/storage/schema-pg.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

const NOW = 1_795_899_589_047;
/** drizzle wraps the server's error: what PostgreSQL said is the cause. */
const refusedWith = (pattern: RegExp): object => ({ cause: expect.objectContaining({ message: expect.stringMatching(pattern) as unknown }) as unknown });
let database: TestDatabase;
let storage: PgStorage;

beforeAll(async () => {
  database = await createTestDatabase();
  storage = await openPgStorage(database.url, tmpdir());
});

afterAll(async () => {
  await storage.close();
  await database.drop();
});

const account = (id: string) => ({
  id, keySalt: Buffer.from([1, 2, 3]), authKeyHash: Buffer.alloc(32, 1), recoveryAuthKeyHash: Buffer.alloc(32, 2), kdfAlgorithm: 'argon2id',
  kdfMemoryKiB: 65_536, kdfIterations: 3, kdfParallelism: 1, kdfSalt: Buffer.alloc(16, 3), publicBundle: Buffer.from([0, 255, 0]),
  wrappedPrivateBundle: Buffer.alloc(40, 4), recoveryWrappedPrivateBundle: Buffer.alloc(40, 5), createdAt: NOW,
});

describe('PostgreSQL storage', () => {
  it('creates every table of the schema', async () => {
    const { rows } = await storage.pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(rows.map((row) => row.table_name)).toEqual([
      'access_events', 'accounts', 'document_versions', 'documents', 'envelopes', 'grant_wraps', 'grants', 'login_throttles',
      'pending_blob_deletions', 'practitioner_profiles', 'sessions', 'uploads', 'vault_invites', 'vault_managers', 'vaults',
    ]);
  });

  it('starts again on a migrated database without applying anything twice', async () => {
    const again = await openPgStorage(database.url, tmpdir());
    await again.close();
    const { rows } = await storage.pool.query<{ count: string }>('SELECT count(*) FROM drizzle.__drizzle_migrations');
    const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(journal.entries.length).toBeGreaterThanOrEqual(3);
    expect(Number(rows[0]?.count)).toBe(journal.entries.length);
  });

  it('gives bytes back as the same bytes and times past 2^31 ms as exact numbers', async () => {
    await storage.pgDb.insert(accounts).values(account('bytes-account'));
    const [row] = await storage.pgDb.select().from(accounts).where(eq(accounts.id, 'bytes-account'));
    expect(row?.publicBundle).toEqual(Buffer.from([0, 255, 0]));
    expect(row?.createdAt).toBe(NOW);
  });

  it('refuses to change a linked access-history row, and links an unlinked one once', async () => {
    await storage.pgDb.insert(accounts).values(account('history-owner'));
    await storage.pgDb.insert(vaults).values({ id: 'history-vault', ownerAccountId: 'history-owner', createdAt: NOW });
    const event = { vaultId: 'history-vault', actorAccountId: 'history-owner', action: 'payload', documentId: 'd', version: 1, at: NOW };
    const [linked] = await storage.pgDb.insert(accessEvents).values({ ...event, sequence: 1, chainHash: Buffer.alloc(32, 9) }).returning();
    const [unlinked] = await storage.pgDb.insert(accessEvents).values(event).returning();
    if (linked === undefined || unlinked === undefined) throw new Error('rows not inserted');
    expect(unlinked.chainHash).toEqual(Buffer.alloc(0));
    await expect(storage.pgDb.update(accessEvents).set({ at: NOW + 1 }).where(eq(accessEvents.id, linked.id))).rejects.toMatchObject(refusedWith(/append-only/));
    await storage.pgDb.update(accessEvents).set({ sequence: 2, chainHash: Buffer.alloc(32, 7) }).where(eq(accessEvents.id, unlinked.id));
    await expect(storage.pgDb.update(accessEvents).set({ sequence: 3 }).where(eq(accessEvents.id, unlinked.id))).rejects.toMatchObject(refusedWith(/append-only/));
    await expect(storage.pgDb.insert(accessEvents).values({ ...event, sequence: 2 })).rejects.toMatchObject(refusedWith(/access_events_sequence/));
  });

  it('deletes what an account owns with it', async () => {
    await storage.pgDb.insert(accounts).values(account('leaving'));
    await storage.pgDb.insert(sessions).values({ tokenHash: Buffer.alloc(32, 8), accountId: 'leaving', createdAt: NOW, lastUsedAt: NOW, expiresAt: NOW + 1 });
    await storage.pgDb.insert(vaults).values({ id: 'leaving-vault', ownerAccountId: 'leaving', createdAt: NOW });
    await storage.pgDb.insert(documents).values({ vaultId: 'leaving-vault', id: 'doc', currentVersion: 1, createdAt: NOW, updatedAt: NOW });
    await storage.pgDb.delete(accounts).where(eq(accounts.id, 'leaving'));
    const left = await storage.pgDb.execute<{ n: string }>(sql`
      SELECT (SELECT count(*) FROM sessions WHERE account_id = 'leaving') + (SELECT count(*) FROM vaults WHERE id = 'leaving-vault')
        + (SELECT count(*) FROM documents WHERE vault_id = 'leaving-vault') AS n`);
    expect(Number(left.rows[0]?.n)).toBe(0);
  });
});

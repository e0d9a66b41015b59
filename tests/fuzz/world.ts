// The state every fuzzed request runs against: a real app with two accounts, a committed document each, a
// partial and a complete upload, a bearer token for each account and a cookie session for the first. It
// is seeded once, set aside, and restored (same ids, same tokens) after a request that used it up. On the
// run's engine (tests/integration/test-engine.ts): what is set aside is a copy of DATA_DIR (its blobs, and
// on SQLite its database file; on PostgreSQL the rows are read into memory), and the fuzzer digests and
// restores the rows through a connection of its own, beside the server's (world-database.ts). The live
// values a valid request needs (sequences, bytes received) are read through the server's own storage.
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { generateIdentity, signPublicBundle } from '../../crypto/identity.ts';
import { toBase64url } from '../../shared/binary.ts';
import { pgCodeOf } from '../../server/storage/pg-database.ts';
import { beginUpload, call, newAccount, putChunk, randomB64, startServer, uploadDocument, type TestAccount, type TestServer } from '../integration/harness.ts';
import { openWorldDatabase, type WorldDatabase } from './world-database.ts';

export interface World {
  server: TestServer;
  /** The fuzzer's own connection to the server's database: digests committed rows, and restores them. */
  database: WorldDatabase;
  /** A copy of DATA_DIR as seeded. */
  template: string;
  /** What the server reported (its reportError) since the last clearReported(): the cause of a 500. */
  reported: unknown[];
  alice: TestAccount;
  bob: TestAccount;
  /** Alice's cookie session (the raw token, as the cookie carries it). */
  aliceCookie: string;
  documentId: string;
  bobDocumentId: string;
  /** Alice's upload of PARTIAL_SIZE bytes, PARTIAL_RECEIVED of them received. */
  partialUploadId: string;
  /** Alice's upload with every byte received: a commit can go through. */
  completeUploadId: string;
  bobUploadId: string;
  /** A third account, with an active contributor grant on Alice's vault that wraps her document. */
  doctor: TestAccount;
  grantId: string;
  /** The doctor's pending contribution in Alice's vault. */
  contributionId: string;
  /** Alice's complete upload in the doctor's vault, where the doctor made her a contributor. */
  contributionUploadId: string;
  /** A record Alice manages (created by her), with an open invite and one Bob accepted. */
  recordId: string;
  openInviteId: string;
  acceptedInviteId: string;
  /** An invite to a record of the doctor's, open for Alice to accept. */
  doctorInviteId: string;
}

export const PARTIAL_SIZE = 1000;
export const PARTIAL_RECEIVED = 100;
export const PAYLOAD_SIZE = 64;

export async function seedWorld(): Promise<World> {
  const reported: unknown[] = [];
  const server = await startServer({ reportError: (error) => reported.push(error) });
  const alice = await newAccount(server, 'alice@example.test');
  const bob = await newAccount(server, 'bob@example.test');
  const documentId = await uploadDocument(server, alice, { payload: new Uint8Array(randomBytes(PAYLOAD_SIZE)) });
  const bobDocumentId = await uploadDocument(server, bob, { payload: new Uint8Array(randomBytes(PAYLOAD_SIZE)) });
  const partialUploadId = await beginUpload(server, alice, PARTIAL_SIZE);
  const partial = new Uint8Array(randomBytes(PARTIAL_SIZE));
  if ((await putChunk(server, alice, partialUploadId, partial, 0, PARTIAL_RECEIVED - 1)).status !== 200) throw new Error('chunk failed');
  const completeUploadId = await beginUpload(server, alice, 10);
  if ((await putChunk(server, alice, completeUploadId, new Uint8Array(10), 0, 9)).status !== 200) throw new Error('chunk failed');
  const bobUploadId = await beginUpload(server, bob, PARTIAL_SIZE);
  const aliceCookie = await cookieLogin(server, alice);
  const doctor = await newAccount(server, 'doctor@example.test');
  const grantId = await seedGrant(server, alice, doctor, documentId);
  const contributionId = await seedContribution(server, doctor, alice.vaultId);
  await seedGrant(server, doctor, alice, await uploadDocument(server, doctor, { payload: new Uint8Array(4) }));
  const contributionUploadId = await beginUpload(server, { ...alice, vaultId: doctor.vaultId }, 10);
  if ((await putChunk(server, { ...alice, vaultId: doctor.vaultId }, contributionUploadId, new Uint8Array(10), 0, 9)).status !== 200) throw new Error('chunk failed');
  const recordId = await seedRecord(server, alice);
  const openInviteId = await seedInvite(server, alice, recordId);
  const acceptedInviteId = await seedInvite(server, alice, recordId, bob);
  const doctorInviteId = await seedInvite(server, doctor, await seedRecord(server, doctor));
  // Bob accepted a share invite of Alice's vault: the route table's grant to him is allowed.
  await seedInvite(server, alice, alice.vaultId, bob, 'share');
  await server.state.storage.checkpoint();
  const template = mkdtempSync(join(tmpdir(), 'coffre-fuzz-'));
  cpSync(server.dataDir, template, { recursive: true });
  const database = await openWorldDatabase(server, template);
  return {
    server, database, template, reported, alice, bob, aliceCookie, documentId, bobDocumentId, partialUploadId, completeUploadId, bobUploadId, doctor, grantId,
    contributionId, contributionUploadId, recordId, openInviteId, acceptedInviteId, doctorInviteId,
  };
}

/** A pending contribution by `contributor` (who must hold a contributor grant) in `vaultId`. */
async function seedContribution(server: TestServer, contributor: TestAccount, vaultId: string): Promise<string> {
  const onVault = { ...contributor, vaultId };
  const uploadId = await beginUpload(server, onVault, 8);
  if ((await putChunk(server, onVault, uploadId, new Uint8Array(8), 0, 7)).status !== 200) throw new Error('chunk failed');
  const documentId = randomB64(16);
  const response = await call(server, 'POST', `/api/vaults/${vaultId}/uploads/${uploadId}/contribute`, {
    token: contributor.token, json: { documentId, metadata: randomB64(100), manifest: randomB64(100), envelopes: [randomB64(200)] },
  });
  if (response.status !== 201) throw new Error(`contribute failed: ${response.status}`);
  return documentId;
}

/** A managed record created by `creator`, with a real vault identity bundle. */
async function seedRecord(server: TestServer, creator: TestAccount): Promise<string> {
  const vaultId = randomB64(16);
  const publicBundle = toBase64url(signPublicBundle(generateIdentity(), { accountId: vaultId, role: 'vault', createdAt: server.clock.now }));
  const response = await call(server, 'POST', '/api/vaults', {
    token: creator.token, json: { vaultId, publicBundle, managerEnvelope: randomB64(200), label: randomB64(100), vaultManifest: { sequence: 1, manifest: randomB64(100) } },
  });
  if (response.status !== 201) throw new Error(`record failed: ${response.status}`);
  return vaultId;
}

/** An invite to the vault (a co-manager's by default), accepted by `invitee` when given. */
async function seedInvite(server: TestServer, manager: TestAccount, vaultId: string, invitee?: TestAccount, purpose: 'manager' | 'share' = 'manager'): Promise<string> {
  const inviteId = randomB64(16);
  const created = await call(server, 'POST', `/api/vaults/${vaultId}/invites`, { token: manager.token, json: { inviteId, expiresAt: server.clock.now + 3_600_000, purpose } });
  if (created.status !== 201) throw new Error(`invite failed: ${created.status}`);
  if (invitee !== undefined) {
    const accepted = await call(server, 'POST', `/api/invites/${inviteId}/accept`, { token: invitee.token, json: { proof: randomB64(32) } });
    if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status}`);
  }
  return inviteId;
}

/** A grant needs a recipient in the directory or one who accepted a share invite: these accept one first. */
async function seedGrant(server: TestServer, owner: TestAccount, recipient: TestAccount, documentId: string): Promise<string> {
  await seedInvite(server, owner, owner.vaultId, recipient, 'share');
  const grantId = randomB64(16);
  const sequence = (((await (await call(server, 'GET', `/api/vaults/${owner.vaultId}/manifest`, { token: owner.token })).json()) as { sequence: number }).sequence);
  const response = await call(server, 'POST', `/api/vaults/${owner.vaultId}/grants`, {
    token: owner.token,
    json: {
      grantId, recipientAccountId: recipient.accountId, role: 'contributor', endsAt: null, recipientEnvelope: randomB64(200), ownerEnvelope: randomB64(200), scope: randomB64(257),
      list: { sequence: 1, list: randomB64(100) }, wraps: [{ documentId, version: 1, wrap: randomB64(73) }], vaultManifest: { sequence: sequence + 1, manifest: randomB64(100) },
    },
  });
  if (response.status !== 201) throw new Error(`grant failed: ${response.status}`);
  return grantId;
}

/** One number of one row, read through the server's storage (committed state); 0 when there is no row. */
async function numberOf(rows: Promise<{ value: number }[]>): Promise<number> {
  return (await rows)[0]?.value ?? 0;
}

export function settingsSequenceOf(world: World): Promise<number> {
  const { read, tables: { vaults } } = world.server.state.storage;
  return numberOf(read.select({ value: vaults.settingsSequence }).from(vaults).where(eq(vaults.id, world.alice.vaultId)));
}

export function grantListSequenceOf(world: World): Promise<number> {
  const { read, tables: { grants } } = world.server.state.storage;
  return numberOf(read.select({ value: grants.listSequence }).from(grants).where(eq(grants.id, world.grantId)));
}

/**
 * Back to the seeded state in place (same app, same ids, same tokens): every table refilled with the
 * seeded rows in one transaction (world-database.ts), and the blob folders made equal to the template's.
 * Called between requests, when the server holds no transaction open.
 */
export async function restoreWorld(world: World): Promise<void> {
  await world.database.restore();
  for (const folder of ['blobs', join('blobs', 'tmp')]) mirrorFiles(join(world.template, folder), join(world.server.dataDir, folder));
}

/** Makes the files of `target` (not its subfolders) those of `source`. */
function mirrorFiles(source: string, target: string): void {
  const wanted = new Set(readdirSync(source, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name));
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.isFile() && !wanted.has(entry.name)) rmSync(join(target, entry.name));
  }
  for (const name of wanted) copyFileSync(join(source, name), join(target, name));
}

export async function disposeWorld(world: World): Promise<void> {
  await world.database.close();
  await world.server.close();
  rmSync(world.template, { recursive: true, force: true });
}

async function cookieLogin(server: TestServer, account: TestAccount): Promise<string> {
  const response = await call(server, 'POST', '/api/sessions', { json: { accountId: account.accountId, authKey: account.authKey, tokenDelivery: 'cookie' } });
  const match = /__Host-session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '');
  if (response.status !== 200 || match?.[1] === undefined) throw new Error(`cookie login failed: ${response.status}`);
  return match[1];
}

/** Bytes received so far by an upload, read from the database (templates follow the live state). */
export function receivedOf(world: World, uploadId: string): Promise<number> {
  const { read, tables: { uploads } } = world.server.state.storage;
  return numberOf(read.select({ value: uploads.received }).from(uploads).where(eq(uploads.id, uploadId)));
}

export function manifestSequenceOf(world: World, account: TestAccount): Promise<number> {
  const { read, tables: { vaults } } = world.server.state.storage;
  return numberOf(read.select({ value: vaults.manifestSequence }).from(vaults).where(eq(vaults.id, account.vaultId)));
}

/** Forgets what the server reported so far: called before each request. */
export function clearReported(world: World): void {
  world.reported.length = 0;
}

/** What the server reported since clearReported(): each error's SQLSTATE (PostgreSQL), cause and message. */
export function describeReported(world: World): string {
  return world.reported.map((error) => {
    if (!(error instanceof Error)) return String(error).slice(0, 200);
    const code = pgCodeOf(error);
    // drizzle's message is the failed query; the database's own words are in the cause.
    const cause = error.cause instanceof Error ? `${error.cause.message} ` : '';
    return `${code === '' ? '' : `SQLSTATE ${code} `}${cause}(${error.name}: ${error.message.slice(0, 200)})`;
  }).join(' | ');
}

// The scene of every adversarial test: the real server (createApp on a throwaway DATA_DIR) behind the
// tamper layer, and a few real accounts made once per file through the real client core (Argon2id costs
// ~0.5 s a login, so each file makes as few as it can and reuses them).
import { logIn, signUp, type AccountRole, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, isApiClientError, type ApiClient, type FetchLike } from '../../client/core/api.ts';
import { actingAs, listVaults, type ManagedRecord } from '../../client/core/managed-vaults.ts';
import type { PinStore } from '../../client/core/pins.ts';
import { acceptInvite, addManager, createInvite, listInvites } from '../../client/core/record-managers.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import { isCryptoError } from '../../crypto/errors.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { ORIGIN, startServer, type TestServer } from '../integration/harness.ts';
import { TamperLayer, type SentRequest } from './tamper.ts';

export const PASSWORD = 'cheval correct agrafe batterie';

export interface Person {
  accountId: string;
  account: UnlockedAccount;
  recoveryWords: string[];
  /** The bearer token of this person's session. */
  token: string;
}

export interface World {
  server: TestServer;
  tamper: TamperLayer;
  /** A client for `person` whose every request goes through the tamper layer. */
  api(person?: Person): ApiClient;
  /** Every request `person`'s clients sent since the world opened, as sent (before any tampering); never cleared. */
  sentBy(person: Person): readonly SentRequest[];
  /** Closes the server's storage and removes its DATA_DIR. */
  close(): Promise<void>;
}

export async function openWorld(): Promise<World> {
  const server = await startServer();
  const tamper = new TamperLayer((url, init) => server.app.request(url, init));
  const logs = new Map<string, SentRequest[]>();
  const logOf = (accountId: string): SentRequest[] => logs.get(accountId) ?? logs.set(accountId, []).get(accountId) ?? [];
  const recording = (accountId: string): FetchLike => (url, init) => {
    const body = typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : undefined;
    const { pathname, search } = new URL(url);
    logOf(accountId).push({ method: init.method ?? 'GET', path: pathname + search, body });
    return tamper.fetch(url, init);
  };
  return {
    server, tamper,
    api: (person) => createApiClient(ORIGIN, { token: person?.token, fetch: person === undefined ? tamper.fetch : recording(person.accountId) }),
    sentBy: (person) => logOf(person.accountId),
    close: () => server.close(),
  };
}

/** Signs up and logs in through the real client core, with no tampering. */
export async function newPerson(world: World, accountId: string, role: AccountRole = 'patient'): Promise<Person> {
  world.tamper.reset();
  const client = world.api();
  const { recoveryWords } = await signUp(client, accountId, PASSWORD, 'fr', role);
  const account = await logIn(client, accountId, PASSWORD);
  return { accountId, account, recoveryWords, token: client.token ?? '' };
}

export const METADATA: Omit<DocumentMetadata, 'realLength'> = {
  title: 'Bilan sanguin', category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'bilan.txt', mimeType: 'text/plain',
};

/**
 * Uploads `plaintext` honestly as a new document (or a new version of `documentId`); `as` acts on a record
 * the person manages (actingAs) instead of their own vault.
 */
export async function uploadHonestly(world: World, person: Person, state: VaultState, plaintext: Uint8Array, options: { documentId?: string; metadata?: Partial<DocumentMetadata>; as?: UnlockedAccount } = {}): Promise<string> {
  world.tamper.reset();
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => { controller.enqueue(plaintext.slice()); controller.close(); } });
  const metadata = { ...METADATA, ...options.metadata };
  const result = await uploadDocument(world.api(person), options.as ?? person.account, state, { stream, size: plaintext.length, metadata, documentId: options.documentId });
  return result.documentId;
}

/**
 * `member` joins `record` (created by `creator`) as a co-manager through the real invite flow, with no
 * tampering: invite, acceptance, the creator's check of the proof, the manager added. Returns the record as
 * the new manager's listVaults opens it.
 */
export async function joinRecord(world: World, creator: Person, record: ManagedRecord, creatorState: VaultState, member: Person, memberPins: PinStore): Promise<ManagedRecord> {
  world.tamper.reset();
  const acting = actingAs(creator.account, record);
  const { inviteId, code } = await createInvite(world.api(creator), acting, { expiresAt: Date.now() + 3_600_000 });
  await acceptInvite(world.api(member), member.account, memberPins, code);
  const invite = (await listInvites(world.api(creator), acting)).find((entry) => entry.inviteId === inviteId);
  if (invite?.status !== 'accepted') throw new Error('the invitation was not accepted');
  await addManager(world.api(creator), acting, creatorState, { invite, startsAt: null, endsAt: null });
  const joined = (await listVaults(world.api(member), member.account, memberPins, {})).records.find((entry) => entry.vaultId === record.vaultId);
  if (joined === undefined) throw new Error('the record is not listed for the new manager');
  return joined;
}

/** The CryptoError or ApiClientError code `promise` rejects with; '(none)' if it does not reject. */
export { rejectionCode as failureCode } from '../error-code.ts';

/** What a consumer reading `stream` to its end received before it failed, and the code it failed with. */
export async function drain(stream: ReadableStream<Uint8Array>): Promise<{ released: Uint8Array; code: string }> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  let code = '(closed)';
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value.slice());
  } catch (error) {
    if (!isCryptoError(error) && !isApiClientError(error)) throw error;
    code = error.code;
  }
  const released = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    released.set(part, offset);
    offset += part.length;
  }
  return { released, code };
}

/** Deterministic test content: `length` bytes that differ from chunk to chunk. */
export function content(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed * 2_654_435_761 >>> 0;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** True when the vault's state was only read: no POST, PUT or DELETE after the last login. */
export function onlyReads(calls: readonly string[]): boolean {
  return calls.every((call) => call.startsWith('GET '));
}

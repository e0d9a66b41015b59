// People of the client-core integration tests: real accounts signed up and logged in through the client core
// against the in-process app (harness.ts, app.request, no socket), clients that note every request they send,
// a practitioner's directory profile, and text documents uploaded as a patient would.
import { logIn, signUp, type AccountRole, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../../client/core/api.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { SettingsState } from '../../client/core/vault-settings.ts';
import type { DocumentMetadata } from '../../crypto/metadata.ts';
import { isValidRpps } from '../../shared/practitioners.ts';
import { ORIGIN, type TestServer } from './harness.ts';

const PASSWORD = 'cheval correct agrafe batterie';

/** A valid directory profile (the RPPS passes its Luhn check); searchable as "claire lyon". */
export const PRACTITIONER_PROFILE = {
  name: 'Dr Claire Martin', profession: 'medecin-generaliste' as const, specialty: '', rpps: '10000000009',
  place: 'Cabinet médical des Lilas, 12 rue des Lilas', city: 'Lyon',
};

/**
 * PRACTITIONER_PROFILE under another valid RPPS (one per `index`): a grant's recipient must be in the
 * directory (or have accepted a share invite), so every practitioner a test shares with publishes one.
 */
export function listedProfile(index: number): typeof PRACTITIONER_PROFILE {
  const prefix = `2${String(index).padStart(9, '0')}`;
  for (let key = 0; key < 10; key += 1) if (isValidRpps(`${prefix}${String(key)}`)) return { ...PRACTITIONER_PROFILE, rpps: `${prefix}${String(key)}` };
  throw new RangeError('no RPPS key');
}

export interface Person { account: UnlockedAccount; token: string }

/** One request as sent: "METHOD path", and its body when it is a string (JSON). */
export interface SentRequest { call: string; body: string | undefined }

export interface People {
  /** Every request sent by these clients, in order; a test clears it with `sent.length = 0`. */
  readonly sent: SentRequest[];
  /** The JSON body of the last request sent whose "METHOD path" matches `call`; {} when there is none. */
  readonly lastBody: (call: RegExp) => Record<string, unknown>;
  /** A client acting as `person` (anonymous without one). */
  readonly api: (person?: Person) => ApiClient;
  /** Signs up and logs in through the client core (two Argon2id derivations: a file makes few). */
  readonly person: (accountId: string, role?: AccountRole) => Promise<Person>;
}

/** People of the server `server()` returns at each request, so a file may start it later, in beforeAll. */
export function peopleOf(server: () => TestServer): People {
  const sent: SentRequest[] = [];
  const fetch: FetchLike = (url, init) => {
    sent.push({ call: `${init.method ?? 'GET'} ${new URL(url).pathname}`, body: typeof init.body === 'string' ? init.body : undefined });
    return Promise.resolve(server().app.request(url, init));
  };
  const api = (person?: Person): ApiClient => createApiClient(ORIGIN, { token: person?.token, fetch });
  const person = async (accountId: string, role: AccountRole = 'patient'): Promise<Person> => {
    const client = api();
    await signUp(client, accountId, PASSWORD, 'fr', role);
    const account = await logIn(client, accountId, PASSWORD);
    return { account, token: client.token ?? '' };
  };
  const lastBody = (call: RegExp): Record<string, unknown> => {
    const found = sent.filter((entry) => call.test(entry.call)).at(-1);
    return JSON.parse(found?.body ?? '{}') as Record<string, unknown>;
  };
  return { sent, lastBody, api, person };
}

/** `text` as the stream and size an upload or a contribution takes. */
export function streamOf(text: string): { stream: ReadableStream<Uint8Array>; size: number } {
  const bytes = new TextEncoder().encode(text);
  return { stream: new ReadableStream({ start: (controller) => { controller.enqueue(bytes); controller.close(); } }), size: bytes.length };
}

/** Uploads `text` into the vault `acting` opens (a new version of `documentId` when given); returns the document's id. */
export async function uploadText(client: ApiClient, acting: UnlockedAccount, state: VaultState & SettingsState, text: string, metadata: Omit<DocumentMetadata, 'realLength'>, documentId?: string): Promise<string> {
  return (await uploadDocument(client, acting, state, { ...streamOf(text), metadata, documentId })).documentId;
}

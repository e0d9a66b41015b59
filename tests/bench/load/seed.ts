// The vaults the load runs on, made through the real client core against the server process: patients
// signed up and logged in (Argon2id, bearer tokens as the command-line client uses), records each manages
// for a relative (createRecord: one more vault each), and the first patient's own vault filled with small
// documents for the metadata routes. Uploads may not share a vault: a vault's signed manifest advances one
// sequence at a time, so concurrent commits to one vault are refused by design (CONFLICT), and 200
// concurrent uploads are 200 people, each adding a document to their own vault.
import { logIn, signUp, type UnlockedAccount } from '../../../client/core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../../../client/core/api.ts';
import { actingAs, createRecord } from '../../../client/core/managed-vaults.ts';
import { memoryPinStore } from '../../../client/core/pins.ts';
import { uploadDocument } from '../../../client/core/upload.ts';
import type { VaultState } from '../../../client/core/vault.ts';
import type { SettingsState } from '../../../client/core/vault-settings.ts';
import type { DocumentMetadata } from '../../../crypto/metadata.ts';
import { DEFAULT_POLICY } from '../../../server/services/deps.ts';
import { MAX_MANAGED_VAULTS_PER_ACCOUNT } from '../../../server/services/managed-vaults.ts';

const PASSWORD = 'cheval correct agrafe batterie';

/** One vault and a client allowed to write it: a patient's own, or a record acting as its owner. */
export interface VaultHandle {
  api: ApiClient;
  account: UnlockedAccount;
  state: VaultState & SettingsState;
}

export const METADATA: Omit<DocumentMetadata, 'realLength'> = {
  title: 'Compte rendu', category: '11502-2', dateOfCare: '2026-02-14', author: 'Laboratoire', fileName: 'resultat.bin', mimeType: 'application/octet-stream',
};

/** Deterministic bytes that differ from document to document (a cheap LCG: the content is not the point). */
export function documentBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = (seed * 2_654_435_761 + 1) >>> 0;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => { controller.enqueue(bytes.slice()); controller.close(); } });
}

async function newPatient(baseUrl: string, accountId: string, fetch: FetchLike): Promise<VaultHandle> {
  const api = createApiClient(baseUrl, { fetch });
  await signUp(api, accountId, PASSWORD);
  const account = await logIn(api, accountId, PASSWORD);
  return { api, account, state: {} };
}

/**
 * At least `count` empty vaults besides the first patient's: every patient's records, then the other
 * patients' own vaults. Sign-ups are throttled per address (all of ours come from 127.0.0.1), so the
 * patients needed must stay within one window's allowance; the default policy is kept as it is.
 */
export async function seedVaults(baseUrl: string, count: number, runId: string, fetch: FetchLike): Promise<{ first: VaultHandle; empty: VaultHandle[] }> {
  const perPatient = MAX_MANAGED_VAULTS_PER_ACCOUNT + 1;
  const patients = Math.max(1, Math.ceil((count + 1) / perPatient));
  if (patients > DEFAULT_POLICY.throttle.signUpMax) throw new RangeError(`${String(count)} vaults need ${String(patients)} sign-ups, over the ${String(DEFAULT_POLICY.throttle.signUpMax)} allowed per address`);
  const handles: VaultHandle[] = [];
  for (let i = 0; i < patients; i += 1) handles.push(await newPatient(baseUrl, `charge-${runId}-${String(i)}@example.org`, fetch));
  const pins = memoryPinStore();
  const empty: VaultHandle[] = handles.slice(1);
  for (const patient of handles) {
    for (let r = 0; r < MAX_MANAGED_VAULTS_PER_ACCOUNT && empty.length < count; r += 1) {
      const { record, state } = await createRecord(patient.api, patient.account, pins, `Proche ${String(r + 1)}`);
      empty.push({ api: patient.api, account: actingAs(patient.account, record), state });
    }
  }
  return { first: handles[0]!, empty: empty.slice(0, count) };
}

/** Adds `count` small documents (1..4 KiB) to the vault, one after the other; returns their ids. */
export async function fillVault(vault: VaultHandle, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const bytes = documentBytes(1024 + ((i * 977) % 3072), 1_000_000 + i);
    const { documentId } = await uploadDocument(vault.api, vault.account, vault.state, { stream: streamOf(bytes), size: bytes.length, metadata: { ...METADATA, title: `Analyse ${String(i + 1)}` } });
    ids.push(documentId);
  }
  return ids;
}

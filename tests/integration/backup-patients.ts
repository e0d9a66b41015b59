// What the backup tests share (tests/integration/backup.test.ts for SQLite, tests/pg/backup-pg*.test.ts for
// PostgreSQL): patients who sign up and upload through the real client core against an in-process server,
// each with a model of what they should read back; a gate that holds an upload half sent; and the CLI's
// output captured.
import { randomBytes } from 'node:crypto';
import { logIn, signUp, type UnlockedAccount } from '../../client/core/account.ts';
import { createApiClient, type ApiClient, type FetchLike } from '../../client/core/api.ts';
import { uploadDocument } from '../../client/core/upload.ts';
import type { VaultState } from '../../client/core/vault.ts';
import type { CliIo } from '../../server/cli/vault-server.ts';
import { ORIGIN, type TestServer } from './harness.ts';

export const PASSWORD = 'correct horse battery staple';
export const METADATA = { title: 'Bilan', category: '11502-2', dateOfCare: '2026-02-14', author: 'Dr Exemple', fileName: 'bilan.pdf', mimeType: 'application/pdf' };

export interface Patient {
  accountId: string;
  api: ApiClient;
  account: UnlockedAccount;
  state: VaultState;
  /** documentId -> plaintext of version 1, 2, ... */
  documents: Map<string, Uint8Array[]>;
}

/** Holds back the second PUT of an upload once armed, until released: the upload is then in progress, half written. */
export class Gate {
  armed = false;
  puts = 0;
  reach: () => void = () => undefined;
  release: () => void = () => undefined;
  readonly reached = new Promise<void>((done) => { this.reach = done; });
  readonly released = new Promise<void>((done) => { this.release = done; });
}

export function random(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => { controller.enqueue(bytes); controller.close(); } });
}

/** A client-core API client on `target`, its upload PUTs going through `gate` when one is given. */
export function clientFor(target: TestServer, gate?: Gate): ApiClient {
  const fetch: FetchLike = async (url, init) => {
    if (gate?.armed === true && init.method === 'PUT' && url.includes('/uploads/')) {
      gate.puts += 1;
      if (gate.puts === 2) {
        gate.reach();
        await gate.released;
      }
    }
    return target.app.request(url, init);
  };
  return createApiClient(ORIGIN, { fetch });
}

export async function newPatient(target: TestServer, accountId: string, gate?: Gate): Promise<Patient> {
  const api = clientFor(target, gate);
  await signUp(api, accountId, PASSWORD);
  const account = await logIn(api, accountId, PASSWORD);
  return { accountId, api, account, state: {}, documents: new Map() };
}

/** Uploads one version through the client core; the patient's model gains it once acknowledged. */
export async function upload(patient: Patient, plaintext: Uint8Array, documentId?: string): Promise<string> {
  const result = await uploadDocument(patient.api, patient.account, patient.state, {
    stream: bytesStream(plaintext), size: plaintext.length, metadata: METADATA, chunkBytes: 64 * 1024, ...(documentId === undefined ? {} : { documentId }),
  });
  patient.documents.set(result.documentId, [...(patient.documents.get(result.documentId) ?? []), plaintext]);
  return result.documentId;
}

/** A CliIo that keeps what the command prints. */
export function captureIo(): CliIo & { lines: string[]; errors: () => string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors: () => errors.join(''), out: (line) => lines.push(line), err: { write: (text: string) => errors.push(text) }, env: {} };
}

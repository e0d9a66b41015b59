// N uploads through the client core started at the same moment, one per vault (seed.ts says why), each a
// full uploadDocument: manifest fetched and verified, payload encrypted and PUT, metadata, envelope and
// signed manifests committed. Payloads go through node:crypto, as the command-line client does, so the
// client's CPU stays small beside the server's. Then every byte is accounted for: each vault lists exactly
// its document, which downloads and decrypts to the bytes sent; the caller audits DATA_DIR afterwards.
import { isApiClientError } from '../../../client/core/api.ts';
import { downloadDocument, listDocuments } from '../../../client/core/documents.ts';
import { uploadDocument } from '../../../client/core/upload.ts';
import { nodeChunkAead } from '../../../client/cli/node-crypto.ts';
import { isCryptoError } from '../../../crypto/errors.ts';
import { assertEqualBytes, assertTrue } from '../crosscheck.ts';
import { cpuSecondsOf } from '../web-app/process-tree.ts';
import type { InFlight } from './in-flight.ts';
import { METADATA, documentBytes, streamOf, type VaultHandle } from './seed.ts';

/** Plaintext sizes spread over 1 B .. 256 KiB, different for every upload. */
const MAX_BYTES = 256 * 1024;

export interface UploadFigures {
  count: number;
  totalMs: number;
  plaintextBytes: number;
  /** Uploads that threw, by error code; must be empty. */
  failures: Map<string, number>;
  peakInFlight: number;
  clientCpuSeconds: number;
  serverCpuSeconds: number;
}

function codeOf(error: unknown): string {
  if (isApiClientError(error) || isCryptoError(error)) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

/** One committed upload: where, what the server acknowledged, and the plaintext sent. */
export interface SentDocument {
  index: number;
  vault: VaultHandle;
  documentId: string;
  bytes: Uint8Array;
}

export async function concurrentUploads(vaults: readonly VaultHandle[], inFlight: InFlight, serverPid: number): Promise<{ figures: UploadFigures; sent: SentDocument[] }> {
  const payloads = vaults.map((_, i) => documentBytes(1 + ((i * 7_919) % MAX_BYTES), 2_000_000 + i));
  const failures = new Map<string, number>();
  const sent: SentDocument[] = [];
  inFlight.resetPeak();
  const client0 = process.cpuUsage();
  const server0 = cpuSecondsOf(serverPid);
  const t0 = performance.now();
  await Promise.all(vaults.map(async (vault, i) => {
    const bytes = payloads[i]!;
    try {
      const { documentId } = await uploadDocument(vault.api, vault.account, vault.state, {
        stream: streamOf(bytes), size: bytes.length, metadata: { ...METADATA, title: `Envoi ${String(i + 1)}` }, chunkAead: nodeChunkAead,
      });
      sent.push({ index: i, vault, documentId, bytes });
    } catch (error) {
      failures.set(codeOf(error), (failures.get(codeOf(error)) ?? 0) + 1);
    }
  }));
  const totalMs = performance.now() - t0;
  const client = process.cpuUsage(client0);
  return {
    figures: {
      count: vaults.length, totalMs, failures, peakInFlight: inFlight.peak,
      plaintextBytes: payloads.reduce((sum, bytes) => sum + bytes.length, 0),
      clientCpuSeconds: (client.user + client.system) / 1e6,
      serverCpuSeconds: cpuSecondsOf(serverPid) - server0,
    },
    sent,
  };
}

/** Each vault lists exactly the document sent to it, which decrypts to exactly its bytes (throws otherwise). */
export async function checkEveryByte(sent: readonly SentDocument[]): Promise<void> {
  for (const { index, vault, documentId, bytes } of sent) {
    const listed = await listDocuments(vault.api, vault.account, vault.state);
    const only = listed.length === 1 && listed[0]?.documentId === documentId && listed[0].metadata.realLength === bytes.length;
    assertTrue(only, `upload ${String(index + 1)} is the one document listed in its vault, with its length`);
    const download = await downloadDocument(vault.api, vault.account, vault.state, documentId, { chunkAead: nodeChunkAead });
    assertEqualBytes(new Uint8Array(await new Response(download.stream).arrayBuffer()), bytes, `upload ${String(index + 1)} downloads and decrypts to the bytes sent`);
  }
}

// upload, list, download, versions, delete, history: each unlocks the keys for this command only, works
// through the client core, and saves the vault head it reached.
import { basename } from 'node:path';
import { deleteDocument, downloadDocument, listDocuments, listVersions } from '../core/documents.ts';
import { accessHistory } from '../core/history.ts';
import { uploadDocument } from '../core/upload.ts';
import { fileSize, mediaTypeOf, readFileStream, safeFileName, writeStreamAtomically } from './files.ts';
import { nodeChunkAead } from './node-crypto.ts';
import { createProgress, formatBytes } from './progress.ts';
import { unlock, type CliContext } from './session.ts';

export interface UploadOptions {
  title?: string;
  category?: string;
  date?: string;
  author?: string;
  /** A new version of this document. */
  document?: string;
}

export async function uploadCommand(context: CliContext, path: string, options: UploadOptions): Promise<void> {
  const size = fileSize(path);
  const fileName = safeFileName(basename(path), 'document');
  const session = await unlock(context);
  const progress = createProgress('Envoi', size);
  try {
    const result = await uploadDocument(session.api, session.account, session.state, {
      stream: readFileStream(path),
      size,
      documentId: options.document,
      metadata: {
        title: options.title ?? fileName,
        category: options.category ?? 'autre',
        dateOfCare: options.date ?? new Date().toISOString().slice(0, 10),
        author: options.author ?? session.account.accountId,
        fileName,
        mimeType: mediaTypeOf(path),
      },
      chunkAead: nodeChunkAead,
      onProgress: (sent, total) => { progress.update((sent / total) * size); },
    });
    progress.finish();
    context.out(`${result.documentId}\tv${String(result.version)}`);
  } finally {
    session.save();
  }
}

export async function listCommand(context: CliContext): Promise<void> {
  const session = await unlock(context);
  try {
    const entries = await listDocuments(session.api, session.account, session.state);
    const sorted = [...entries].sort((a, b) => b.metadata.dateOfCare.localeCompare(a.metadata.dateOfCare));
    for (const { documentId, version, metadata } of sorted) {
      context.out([documentId, `v${String(version)}`, metadata.dateOfCare, metadata.category, metadata.title, metadata.fileName, formatBytes(metadata.realLength)].join('\t'));
    }
    if (entries.length === 0) context.out('Aucun document.');
  } finally {
    session.save();
  }
}

export async function downloadCommand(context: CliContext, documentId: string, options: { out?: string; version?: number }): Promise<void> {
  const session = await unlock(context);
  try {
    const download = await downloadDocument(session.api, session.account, session.state, documentId, { version: options.version, chunkAead: nodeChunkAead });
    const out = options.out ?? safeFileName(download.metadata.fileName, `${documentId}.bin`);
    const progress = createProgress('Réception', download.metadata.realLength);
    let received = 0;
    const counted = download.stream.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => { received += chunk.length; progress.update(received); controller.enqueue(chunk); },
    }));
    await writeStreamAtomically(counted, out);
    progress.finish();
    context.out(out);
  } finally {
    session.save();
  }
}

export async function versionsCommand(context: CliContext, documentId: string): Promise<void> {
  const session = await unlock(context);
  try {
    const versions = await listVersions(session.api, session.account, session.state, documentId);
    for (const { version, payloadSize, createdAt } of versions) {
      context.out([`v${String(version)}`, new Date(createdAt).toISOString(), formatBytes(payloadSize)].join('\t'));
    }
  } finally {
    session.save();
  }
}

export async function deleteCommand(context: CliContext, documentId: string): Promise<void> {
  const session = await unlock(context);
  try {
    await deleteDocument(session.api, session.account, session.state, documentId);
    context.out('Document supprimé.');
  } finally {
    session.save();
  }
}

/** The vault's access log, its hash chain verified and a checkpoint of its head signed (needs the keys). */
export async function historyCommand(context: CliContext): Promise<void> {
  const session = await unlock(context);
  try {
    const events = await accessHistory(session.api, session.account, session.state);
    for (const event of events) {
      context.out([new Date(event.at).toISOString(), event.action, `${event.documentId} v${String(event.version)}`, event.actorAccountId].join('\t'));
    }
    if (events.length === 0) context.out('Aucun accès enregistré.');
  } finally {
    session.save();
  }
}

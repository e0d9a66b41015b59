// export: every document re-encrypted to an age recipient as DIR/<id>.age (the `age` tool decrypts them),
// and DIR/documents.fhir.json, a FHIR R4 Bundle of their decrypted metadata (plaintext: the user's copy).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportToAge, parseRecipient } from '../../crypto/age/index.ts';
import { downloadDocument, listDocuments, type DocumentEntry } from '../core/documents.ts';
import { fhirBundle } from './fhir.ts';
import { writeStreamAtomically } from './files.ts';
import { nodeChunkAead } from './node-crypto.ts';
import { createProgress } from './progress.ts';
import { unlock, type CliContext } from './session.ts';

const FHIR_FILE = 'documents.fhir.json';

export async function exportCommand(context: CliContext, recipient: string, dir: string): Promise<void> {
  parseRecipient(recipient); // KEY_INVALID before anything is fetched
  const session = await unlock(context);
  try {
    const entries = await listDocuments(session.api, session.account, session.state);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const total = entries.reduce((sum, entry) => sum + entry.metadata.realLength, 0);
    const progress = createProgress('Export', total);
    let done = 0;
    for (const entry of entries) {
      const download = await downloadDocument(session.api, session.account, session.state, entry.documentId, { chunkAead: nodeChunkAead });
      await writeStreamAtomically(exportToAge(download.stream, recipient), join(dir, ageFileName(entry)));
      done += entry.metadata.realLength;
      progress.update(done);
    }
    progress.finish();
    const bundle = fhirBundle(entries, ageFileName);
    writeFileSync(join(dir, FHIR_FILE), `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o600 });
    context.out(`${String(entries.length)} document(s) exporté(s) dans ${dir}`);
  } finally {
    session.save();
  }
}

function ageFileName(entry: DocumentEntry): string {
  return `${entry.documentId}.age`;
}

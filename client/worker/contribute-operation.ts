// The Worker's side of "Ajouter un document au dossier" (a practitioner on a record shared with them as
// contributor): the file encrypted and signed by client/core (contributions.ts), which first checks that
// the patient's signed share makes this account an active contributor.
import type { ApiClient } from '../core/api.ts';
import { contribute } from '../core/contributions.ts';
import { ownProfile } from './directory-operations.ts';
import type { Session } from './session.ts';
import { withSharedState } from './sharing-operations.ts';
import type { UploadMetadata } from './protocol.ts';

export interface ContributeRequest {
  grantId: string;
  file: Blob;
  metadata: UploadMetadata;
  onProgress: (done: number, total: number) => void;
}

/** The author shown to the patient is the practitioner's directory name unless the form named one. */
export async function contributeTo(api: ApiClient, session: Session, input: ContributeRequest): Promise<{ documentId: string }> {
  const author = input.metadata.author.trim() || ((await ownProfile(api, session.account))?.name ?? '');
  const { documentId } = await withSharedState(session.account, async (state) => contribute(api, session.account, session.pins, state, {
    grantId: input.grantId, stream: input.file.stream(), size: input.file.size, metadata: { ...input.metadata, author }, onProgress: input.onProgress,
  }));
  return { documentId };
}

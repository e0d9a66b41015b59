// The owner's grants as stored by the server, opened: the grant key from the owner envelope (signed by
// our own key only: a server-sealed key is SIGNER_NOT_ALLOWED, ATK-05), the scope only we can read, and
// the signed grant list. Shared by sharing.ts (list, widen, narrow) and upload.ts (wrap new versions).
import { envelopeOpener, openGrantKey } from '../../crypto/envelope.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { verifyGrantList, type GrantList } from '../../crypto/grant-list.ts';
import { openGrantScope, type GrantScope } from '../../crypto/grant-scope.ts';
import type { ShareRole, VaultManifest, VaultShare } from '../../crypto/vault-manifest.ts';
import { fromBase64url } from '../../shared/binary.ts';
import { listOwnedGrantsResponseSchema, type OwnedGrant } from '../../shared/grants.ts';
import type { UnlockedAccount } from './account.ts';
import { request, type ApiClient } from './api.ts';

export interface OpenedGrant {
  grantId: string;
  recipientAccountId: string;
  /** The server's column; the signed share's role is what counts (share.role). */
  role: ShareRole;
  createdAt: number;
  /** The grant key: memory only. */
  grantKey: Uint8Array;
  scope: GrantScope;
  list: GrantList;
  /** The share in the verified vault manifest, or null (revoked there, or never listed). */
  share: VaultShare | null;
}

/** Every grant of our vault (ended ones too), opened and checked against the verified vault manifest. */
export async function fetchOwnedGrants(api: ApiClient, account: UnlockedAccount, manifest: VaultManifest | null): Promise<OpenedGrant[]> {
  const { grants } = await request(api, 'GET', `/api/vaults/${account.vaultId}/grants`, listOwnedGrantsResponseSchema);
  return grants.map((grant) => openOwnedGrant(account, manifest, grant));
}

export function openOwnedGrant(account: UnlockedAccount, manifest: VaultManifest | null, grant: OwnedGrant): OpenedGrant {
  const ref = { vaultId: account.vaultId, grantId: grant.grantId };
  const opener = envelopeOpener(account.identity.kemSeed);
  const grantKey = openGrantKey(fromBase64url(grant.ownerEnvelope), ref, opener, [account.bundle.signingPublicKey]);
  if (grantKey === null) throw new CryptoError('NO_MATCH');
  const scope = openGrantScope(account.identity, ref, fromBase64url(grant.scope));
  const { list } = verifyGrantList(fromBase64url(grant.list.list), { ownerSigningKey: account.bundle.signingPublicKey, ...ref });
  if (list.sequence !== grant.list.sequence || list.recipient.accountId !== grant.recipientAccountId) throw new CryptoError('MANIFEST_MISMATCH');
  const share = manifest?.shares.find((entry) => entry.accountId === grant.recipientAccountId) ?? null;
  return { grantId: grant.grantId, recipientAccountId: grant.recipientAccountId, role: grant.role, createdAt: grant.createdAt, grantKey, scope, list, share };
}

/** True when the share is listed in the signed manifest, for the list's keys, and not ended at `now`. */
export function isActive(grant: OpenedGrant, now: number): boolean {
  const { share } = grant;
  if (share === null || (share.endsAt !== null && share.endsAt <= now)) return false;
  return share.keysHash.length === grant.list.recipient.keysHash.length && share.keysHash.every((byte, i) => byte === grant.list.recipient.keysHash[i]);
}

/** Whether `scope` covers a document: by kind, by its metadata category, or by being in the grant list already. */
export function scopeCovers(scope: GrantScope, category: string, documentId: string, listed: ReadonlySet<string>): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'categories') return scope.categories.includes(category);
  return listed.has(documentId);
}

export function forgetGrantKeys(grants: readonly OpenedGrant[]): void {
  for (const grant of grants) grant.grantKey.fill(0);
}

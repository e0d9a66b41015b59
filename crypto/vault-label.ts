// The name of a record of a relative ("Léa", "Papa"): chosen by its creator, shown to its managers, never
// read by the server. Sealed like the vault settings under a key only the vault's seeds give.
//
//   labelKey = HKDF-SHA256(ikm = signingSeed | kemSeed, salt = empty, info = text("coffre-sante/v1/vault-label-key"), 32)
//   body     = UTF-8(label), NFC, 1 to 200 bytes
//   sealed   = owner-sealed.ts box, version 1, aad = labelled("coffre-sante/v1/vault-label", id vaultId)
// 200 bytes plus the u32 length always fit in one 256-byte block: every label seals to the same size.

import { ByteWriter } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkAccountId, labelled, type IdentitySecrets } from './identity.ts';
import { openPadded, sealPadded, seedDerivedKey } from './owner-sealed.ts';

export const VAULT_LABEL_VERSION = 1;
export const VAULT_LABEL_LABEL = 'coffre-sante/v1/vault-label';
export const VAULT_LABEL_KEY_LABEL = 'coffre-sante/v1/vault-label-key';
export const MAX_VAULT_LABEL_BYTES = 200;

/** Seals `label` (normalised to NFC) for the vault's holders. RangeError when it is empty or over 200 UTF-8 bytes. */
export function sealVaultLabel(vault: IdentitySecrets, vaultId: string, label: string): Uint8Array {
  const utf8 = new TextEncoder().encode(label.normalize('NFC'));
  if (utf8.length === 0 || utf8.length > MAX_VAULT_LABEL_BYTES) throw new RangeError('label must be 1 to 200 UTF-8 bytes');
  return sealPadded(labelKey(vault), labelAad(vaultId), utf8, VAULT_LABEL_VERSION);
}

/**
 * Opens a label sealed by sealVaultLabel. VERSION_UNSUPPORTED, DECRYPTION_FAILED (another vault or key, any
 * altered byte), FORMAT_INVALID (bad padding, empty, over 200 bytes, invalid UTF-8, not NFC).
 */
export function openVaultLabel(vault: IdentitySecrets, vaultId: string, bytes: Uint8Array): string {
  const utf8 = openPadded(labelKey(vault), labelAad(vaultId), bytes, VAULT_LABEL_VERSION);
  if (utf8.length === 0 || utf8.length > MAX_VAULT_LABEL_BYTES) throw new CryptoError('FORMAT_INVALID');
  let label: string;
  try {
    label = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(utf8);
  } catch (error) {
    throw new CryptoError('FORMAT_INVALID', { cause: error });
  }
  if (label !== label.normalize('NFC')) throw new CryptoError('FORMAT_INVALID');
  return label;
}

function labelKey(vault: IdentitySecrets): Uint8Array {
  return seedDerivedKey(vault, new ByteWriter().text(VAULT_LABEL_KEY_LABEL).finish());
}

function labelAad(vaultId: string): Uint8Array {
  checkAccountId(vaultId);
  return labelled(VAULT_LABEL_LABEL, new ByteWriter().text(vaultId).finish());
}

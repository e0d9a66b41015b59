// Every contact's key bundle the server hands the client goes through here: a bundle that does not verify
// is the one generic KEY_BUNDLE_INVALID (ATK-01, ATK-03), whatever the crypto layer found wrong with it.
// Callers then check what the bundle must name (account id, role) for their purpose.
import { CryptoError, isCryptoError } from '../../crypto/errors.ts';
import { verifyPublicBundle, type PublicKeyBundle } from '../../crypto/identity.ts';

export function verifiedBundle(bytes: Uint8Array): PublicKeyBundle {
  try {
    return verifyPublicBundle(bytes);
  } catch (error) {
    if (isCryptoError(error)) throw new CryptoError('KEY_BUNDLE_INVALID', { cause: error });
    throw error;
  }
}

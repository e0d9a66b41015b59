// Since SHARING3 a grant's recipient must be a practitioner with a directory profile or an account that
// accepted a share invite of the vault. The integration accounts' bundles are random bytes (no profile can
// be published for them), so these tests let the owner invite the recipient first, as a patient does for a
// relative. The server never checks the proof (only the inviting client can): random bytes do here.
import { call, errorCode, randomB64, type TestServer } from './harness.ts';

/** The owner (or a manager) of `vaultId` opens a share invite that `recipient` accepts; the next grant to them is allowed. */
export async function acceptedShareInvite(server: TestServer, inviterToken: string, vaultId: string, recipientToken: string): Promise<string> {
  const inviteId = randomB64(16);
  const created = await call(server, 'POST', `/api/vaults/${vaultId}/invites`, { token: inviterToken, json: { inviteId, expiresAt: server.clock.now + 3600_000, purpose: 'share' } });
  if (created.status !== 201) throw new Error(`share invite refused: ${String(created.status)} ${await errorCode(created)}`);
  const accepted = await call(server, 'POST', `/api/invites/${inviteId}/accept`, { token: recipientToken, json: { proof: randomB64(32) } });
  if (accepted.status !== 200) throw new Error(`share invite not accepted: ${String(accepted.status)} ${await errorCode(accepted)}`);
  return inviteId;
}

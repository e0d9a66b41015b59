// Managed records sign with their own identity (vaults.public_bundle, role 'vault', named by the record's
// id): their vault manifests, history checkpoints and the versions their managers add. This map gives each
// record's verified bundle, for the checks that would otherwise look up an account; an invalid one is left
// out (vaults-audit.ts reports it).
import type Database from 'better-sqlite3';
import { verifyPublicBundle, type PublicKeyBundle } from '../../crypto/identity.ts';

export function recordBundles(db: Database.Database): Map<string, PublicKeyBundle> {
  const rows = db.prepare('SELECT id, public_bundle FROM vaults WHERE public_bundle IS NOT NULL').all() as { id: string; public_bundle: Buffer }[];
  const records = new Map<string, PublicKeyBundle>();
  for (const row of rows) {
    try {
      const bundle = verifyPublicBundle(new Uint8Array(row.public_bundle));
      if (bundle.role === 'vault' && bundle.accountId === row.id) records.set(row.id, bundle);
    } catch {
      // Reported by the vault check.
    }
  }
  return records;
}

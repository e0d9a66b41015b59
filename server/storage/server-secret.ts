// The server's own secret (32 random bytes): keys the fake pre-login salts (ATK-28) and the throttle keys
// of account ids. Generated once into DATA_DIR/server-secret (mode 0600) or given as SERVER_SECRET
// (base64url). It must stay stable: a new secret changes every fake salt, which would reveal which ids
// are real to anyone who queried before.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_SECRET_BYTES = 32;

export function loadServerSecret(dataDir: string, fromEnv?: string): Uint8Array {
  if (fromEnv !== undefined) return checked(new Uint8Array(Buffer.from(fromEnv, 'base64url')));
  const path = join(dataDir, 'server-secret');
  createOnce(path);
  return checked(new Uint8Array(readFileSync(path)));
}

/**
 * Writes a fresh secret to a temporary file, fsyncs it, then links it into place: link() fails if the
 * secret exists, so two starting servers agree on one, and a crash never leaves a short secret.
 */
function createOnce(path: string): void {
  const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, randomBytes(SERVER_SECRET_BYTES));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function checked(secret: Uint8Array): Uint8Array {
  if (secret.length < SERVER_SECRET_BYTES) throw new RangeError('server secret must be at least 32 bytes');
  return secret;
}

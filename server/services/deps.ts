// What the services need, injected by createApp so tests can use a throwaway DATA_DIR and a fake clock.
import type { BlobStore } from '../storage/blob-store.ts';
import type { Storage } from '../storage/database.ts';

export interface Policy {
  /** A session unused this long ends. */
  sessionIdleMs: number;
  /** A session ends this long after login, used or not. */
  sessionAbsoluteMs: number;
  /** An upload not committed this long after it began is swept. */
  uploadTtlMs: number;
  /**
   * Failed logins per account, then per address, and sign-ups per address, allowed within windowMs
   * before a lock of lockMs.
   */
  throttle: { accountMax: number; addressMax: number; signUpMax: number; windowMs: number; lockMs: number };
}

export const DEFAULT_POLICY: Policy = {
  sessionIdleMs: 30 * 60_000,
  sessionAbsoluteMs: 12 * 3_600_000,
  uploadTtlMs: 24 * 3_600_000,
  throttle: { accountMax: 10, addressMax: 100, signUpMax: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
};

export interface Deps {
  storage: Storage;
  blobs: BlobStore;
  /** At least 32 bytes; see storage/server-secret.ts. */
  serverSecret: Uint8Array;
  /** Milliseconds since the epoch. */
  clock: () => number;
  policy: Policy;
}

// The SQLite schema (drizzle). Everything the server keeps about a user is here or in the blob store;
// secret-derived columns are hashes, and every document column is ciphertext or a signature the server
// cannot read. Times are milliseconds since the epoch. Deleting an account cascades to everything it owns.
import { sql } from 'drizzle-orm';
import { blob, foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const bytes = (name: string) => blob(name, { mode: 'buffer' });

export const accounts = sqliteTable('accounts', {
  id: text('id').primaryKey(),
  /** Random per account, mixed into both hashes below (services/auth-keys.ts). */
  keySalt: bytes('key_salt').notNull(),
  authKeyHash: bytes('auth_key_hash').notNull(),
  recoveryAuthKeyHash: bytes('recovery_auth_key_hash').notNull(),
  kdfAlgorithm: text('kdf_algorithm').notNull(),
  kdfMemoryKiB: integer('kdf_memory_kib').notNull(),
  kdfIterations: integer('kdf_iterations').notNull(),
  kdfParallelism: integer('kdf_parallelism').notNull(),
  kdfSalt: bytes('kdf_salt').notNull(),
  publicBundle: bytes('public_bundle').notNull(),
  wrappedPrivateBundle: bytes('wrapped_private_bundle').notNull(),
  recoveryWrappedPrivateBundle: bytes('recovery_wrapped_private_bundle').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the token: a stolen database yields no usable session. */
    tokenHash: bytes('token_hash').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('sessions_account').on(table.accountId)],
);

/** Failed-login counters per account (keyed by an HMAC of the id) and per address. */
export const loginThrottles = sqliteTable('login_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: integer('window_start').notNull(),
  lockedUntil: integer('locked_until').notNull(),
});

/**
 * A personal vault (public_bundle null) belongs to owner_account_id, whose identity is the vault's. A managed
 * record (public_bundle set: its own identity, shared/managed-vaults.ts) is reached only through its active
 * vault_managers rows; owner_account_id is then one of its managers (the creator first), kept so that the
 * account cascade never leaves a vault without an owner row: account deletion and manager removal move it to
 * a remaining manager before the row goes, or delete the record with its blobs when none is left.
 */
export const vaults = sqliteTable(
  'vaults',
  {
    id: text('id').primaryKey(),
    ownerAccountId: text('owner_account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    /** 0 until the first owner-signed manifest arrives; then exactly +1 per change. */
    manifestSequence: integer('manifest_sequence').notNull().default(0),
    manifest: bytes('manifest'),
    /** The last access-history checkpoint a manager signed (crypto/access-chain.ts), and its sequence. */
    historyCheckpoint: bytes('history_checkpoint'),
    historyCheckpointSequence: integer('history_checkpoint_sequence').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    /** The managers' sealed settings (shared/vault-settings.ts) and their sequence (0: none yet). */
    settings: bytes('settings'),
    settingsSequence: integer('settings_sequence').notNull().default(0),
    /** A managed record's own public bundle (role 'vault'); null for a personal vault. */
    publicBundle: bytes('public_bundle'),
    /** A managed record's name, sealed under the record's key. */
    label: bytes('label'),
  },
  (table) => [index('vaults_owner').on(table.ownerAccountId)],
);

export const documents = sqliteTable(
  'documents',
  {
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    currentVersion: integer('current_version').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** 1: a contribution (shared/contributions.ts) not yet accepted into the vault manifest; unlisted. */
    pending: integer('pending').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.vaultId, table.id] })],
);

export const documentVersions = sqliteTable(
  'document_versions',
  {
    vaultId: text('vault_id').notNull(),
    documentId: text('document_id').notNull(),
    version: integer('version').notNull(),
    blobId: text('blob_id').notNull().unique(),
    payloadSize: integer('payload_size').notNull(),
    authorAccountId: text('author_account_id').notNull(),
    metadata: bytes('metadata').notNull(),
    manifest: bytes('manifest').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.vaultId, table.documentId, table.version] }),
    foreignKey({ columns: [table.vaultId, table.documentId], foreignColumns: [documents.vaultId, documents.id] }).onDelete('cascade'),
  ],
);

export const envelopes = sqliteTable(
  'envelopes',
  {
    vaultId: text('vault_id').notNull(),
    documentId: text('document_id').notNull(),
    version: integer('version').notNull(),
    position: integer('position').notNull(),
    envelope: bytes('envelope').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.vaultId, table.documentId, table.version, table.position] }),
    foreignKey({
      columns: [table.vaultId, table.documentId, table.version],
      foreignColumns: [documentVersions.vaultId, documentVersions.documentId, documentVersions.version],
    }).onDelete('cascade'),
  ],
);

/** Resumable uploads in progress: their bytes sit in the blob store's temporary area until commit. */
export const uploads = sqliteTable(
  'uploads',
  {
    id: text('id').primaryKey(),
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    blobId: text('blob_id').notNull().unique(),
    size: integer('size').notNull(),
    received: integer('received').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /**
     * Until when (ms) one request holds the upload to write, abort or commit it: one writer at a time
     * across every server process on this database (services/uploads.ts). 0 when nobody holds it.
     */
    writerUntil: integer('writer_until').notNull().default(0),
  },
  (table) => [index('uploads_vault').on(table.vaultId), index('uploads_expiry').on(table.expiresAt)],
);

/**
 * Append-only (an UPDATE trigger refuses changes): every envelope and payload read, as the next link of its
 * vault's hash chain (sequence from 1, chain_hash per crypto/access-chain.ts). Sequence 0 marks a row
 * written before the chain existed; the start-up backfill links those once (storage/history-backfill.ts).
 */
export const accessEvents = sqliteTable(
  'access_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    actorAccountId: text('actor_account_id').notNull(),
    action: text('action').notNull(),
    documentId: text('document_id').notNull(),
    version: integer('version').notNull(),
    at: integer('at').notNull(),
    sequence: integer('sequence').notNull().default(0),
    chainHash: bytes('chain_hash').notNull().default(sql`x''`),
  },
  (table) => [
    index('access_events_vault').on(table.vaultId, table.id),
    uniqueIndex('access_events_sequence').on(table.vaultId, table.sequence).where(sql`sequence > 0`),
    // Empty once the start-up backfill ran: finding unlinked rows at every start reads this, not the table.
    index('access_events_unchained').on(table.id).where(sql`sequence = 0`),
  ],
);

/**
 * Blobs whose rows are gone: queued in the same transaction that deletes the rows, removed from the blob
 * store after the commit, and retried at start-up, so a crash in between leaves no readable orphan.
 */
export const pendingBlobDeletions = sqliteTable('pending_blob_deletions', {
  blobId: text('blob_id').primaryKey(),
  queuedAt: integer('queued_at').notNull().default(sql`0`),
});

/**
 * A practitioner's public directory entry (shared/practitioners.ts): professional data only. search_text is
 * the searchable fields lowercased without accents (services/practitioners.ts), matched with LIKE.
 */
export const practitionerProfiles = sqliteTable(
  'practitioner_profiles',
  {
    accountId: text('account_id').primaryKey().references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    profession: text('profession').notNull(),
    specialty: text('specialty').notNull(),
    rpps: text('rpps').notNull().unique(),
    place: text('place').notNull(),
    city: text('city').notNull(),
    searchText: text('search_text').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
);

/**
 * One grant per (vault, recipient): the grant-key envelopes, the owner-only sealed scope and the signed grant
 * list are opaque bytes to the server. ends_at (null: no end) is when the server stops serving it.
 */
export const grants = sqliteTable(
  'grants',
  {
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    recipientAccountId: text('recipient_account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    /** 'reader' or 'contributor' (may also add pending documents); equals the signed share's role. */
    role: text('role').notNull().default('reader'),
    createdAt: integer('created_at').notNull(),
    endsAt: integer('ends_at'),
    recipientEnvelope: bytes('recipient_envelope').notNull(),
    ownerEnvelope: bytes('owner_envelope').notNull(),
    scope: bytes('scope').notNull(),
    list: bytes('list').notNull(),
    listSequence: integer('list_sequence').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.vaultId, table.id] }),
    uniqueIndex('grants_vault_recipient').on(table.vaultId, table.recipientAccountId),
    index('grants_recipient').on(table.recipientAccountId),
  ],
);

/** A document version's file key wrapped under a grant key; goes with its grant or its version. */
export const grantWraps = sqliteTable(
  'grant_wraps',
  {
    vaultId: text('vault_id').notNull(),
    grantId: text('grant_id').notNull(),
    documentId: text('document_id').notNull(),
    version: integer('version').notNull(),
    wrap: bytes('wrap').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.vaultId, table.grantId, table.documentId, table.version] }),
    foreignKey({ columns: [table.vaultId, table.grantId], foreignColumns: [grants.vaultId, grants.id] }).onDelete('cascade'),
    foreignKey({
      columns: [table.vaultId, table.documentId, table.version],
      foreignColumns: [documentVersions.vaultId, documentVersions.documentId, documentVersions.version],
    }).onDelete('cascade'),
    index('grant_wraps_version').on(table.vaultId, table.documentId, table.version),
  ],
);

/** The managers of a managed record: each one's copy of the record's keys, sealed for their account key. */
export const vaultManagers = sqliteTable(
  'vault_managers',
  {
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    envelope: bytes('envelope').notNull(),
    /** Null: from the start; otherwise the manager acts only from this time. */
    startsAt: integer('starts_at'),
    /** Null: no end; otherwise the manager acts only before this time. */
    endsAt: integer('ends_at'),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.vaultId, table.accountId] }), index('vault_managers_account').on(table.accountId)],
);

/**
 * Invitations to co-manage a record, or to receive read-only shares of any vault (a relative). The code's
 * secret never reaches the server: the invitee's proof (an HMAC over their bundle) is stored opaque for the
 * inviting client to check. Accepted once; an accepted share invite lets the vault grant to its invitee.
 */
export const vaultInvites = sqliteTable(
  'vault_invites',
  {
    id: text('id').primaryKey(),
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    inviterAccountId: text('inviter_account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** 'manager' (co-manage a record) or 'share' (a relative who may then be granted read-only shares). */
    purpose: text('purpose', { enum: ['manager', 'share'] }).notNull().default('manager'),
    inviteeAccountId: text('invitee_account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    /** The invitee's public bundle as stored at acceptance, and their proof: both opaque here. */
    inviteeBundle: bytes('invitee_bundle'),
    proof: bytes('proof'),
  },
  (table) => [index('vault_invites_vault').on(table.vaultId)],
);

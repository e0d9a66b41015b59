// The PostgreSQL schema (drizzle): the same tables, columns, keys and indexes as schema.ts, column for column
// (tests/unit/schema-parity.test.ts fails when the two differ), in PostgreSQL's types. Times are milliseconds
// since the epoch in bigint, read as numbers (safe until the year 287,396); bytes are bytea read as Buffers.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, foreignKey, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const bytes = (name: string) => bytea(name);
const millis = (name: string) => bigint(name, { mode: 'number' });

export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
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
  createdAt: millis('created_at').notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: bytes('token_hash').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: millis('created_at').notNull(),
    lastUsedAt: millis('last_used_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
  },
  (table) => [index('sessions_account').on(table.accountId)],
);

export const loginThrottles = pgTable('login_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: millis('window_start').notNull(),
  lockedUntil: millis('locked_until').notNull(),
});

export const vaults = pgTable(
  'vaults',
  {
    id: text('id').primaryKey(),
    ownerAccountId: text('owner_account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    manifestSequence: bigint('manifest_sequence', { mode: 'number' }).notNull().default(0),
    manifest: bytes('manifest'),
    historyCheckpoint: bytes('history_checkpoint'),
    historyCheckpointSequence: bigint('history_checkpoint_sequence', { mode: 'number' }).notNull().default(0),
    createdAt: millis('created_at').notNull(),
    settings: bytes('settings'),
    settingsSequence: bigint('settings_sequence', { mode: 'number' }).notNull().default(0),
    publicBundle: bytes('public_bundle'),
    label: bytes('label'),
  },
  (table) => [index('vaults_owner').on(table.ownerAccountId)],
);

export const documents = pgTable(
  'documents',
  {
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    currentVersion: integer('current_version').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    pending: integer('pending').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.vaultId, table.id] })],
);

export const documentVersions = pgTable(
  'document_versions',
  {
    vaultId: text('vault_id').notNull(),
    documentId: text('document_id').notNull(),
    version: integer('version').notNull(),
    blobId: text('blob_id').notNull().unique(),
    payloadSize: bigint('payload_size', { mode: 'number' }).notNull(),
    authorAccountId: text('author_account_id').notNull(),
    metadata: bytes('metadata').notNull(),
    manifest: bytes('manifest').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.vaultId, table.documentId, table.version] }),
    foreignKey({ columns: [table.vaultId, table.documentId], foreignColumns: [documents.vaultId, documents.id] }).onDelete('cascade'),
  ],
);

export const envelopes = pgTable(
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

export const uploads = pgTable(
  'uploads',
  {
    id: text('id').primaryKey(),
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    blobId: text('blob_id').notNull().unique(),
    size: bigint('size', { mode: 'number' }).notNull(),
    received: bigint('received', { mode: 'number' }).notNull(),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
    writerUntil: millis('writer_until').notNull().default(0),
  },
  (table) => [index('uploads_vault').on(table.vaultId), index('uploads_expiry').on(table.expiresAt)],
);

/** Append-only: the trigger of migration 0001 refuses any UPDATE of a linked row (sequence > 0). */
export const accessEvents = pgTable(
  'access_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    actorAccountId: text('actor_account_id').notNull(),
    action: text('action').notNull(),
    documentId: text('document_id').notNull(),
    version: integer('version').notNull(),
    at: millis('at').notNull(),
    sequence: bigint('sequence', { mode: 'number' }).notNull().default(0),
    chainHash: bytes('chain_hash').notNull().default(sql`'\\x'::bytea`),
  },
  (table) => [
    index('access_events_vault').on(table.vaultId, table.id),
    uniqueIndex('access_events_sequence').on(table.vaultId, table.sequence).where(sql`sequence > 0`),
    index('access_events_unchained').on(table.id).where(sql`sequence = 0`),
  ],
);

export const pendingBlobDeletions = pgTable('pending_blob_deletions', {
  blobId: text('blob_id').primaryKey(),
  queuedAt: millis('queued_at').notNull().default(0),
});

export const practitionerProfiles = pgTable(
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
    updatedAt: millis('updated_at').notNull(),
  },
);

export const grants = pgTable(
  'grants',
  {
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    recipientAccountId: text('recipient_account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    role: text('role').notNull().default('reader'),
    createdAt: millis('created_at').notNull(),
    endsAt: millis('ends_at'),
    recipientEnvelope: bytes('recipient_envelope').notNull(),
    ownerEnvelope: bytes('owner_envelope').notNull(),
    scope: bytes('scope').notNull(),
    list: bytes('list').notNull(),
    listSequence: bigint('list_sequence', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.vaultId, table.id] }),
    uniqueIndex('grants_vault_recipient').on(table.vaultId, table.recipientAccountId),
    index('grants_recipient').on(table.recipientAccountId),
  ],
);

export const grantWraps = pgTable(
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

export const vaultManagers = pgTable(
  'vault_managers',
  {
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    envelope: bytes('envelope').notNull(),
    startsAt: millis('starts_at'),
    endsAt: millis('ends_at'),
    createdAt: millis('created_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.vaultId, table.accountId] }), index('vault_managers_account').on(table.accountId)],
);

export const vaultInvites = pgTable(
  'vault_invites',
  {
    id: text('id').primaryKey(),
    vaultId: text('vault_id').notNull().references(() => vaults.id, { onDelete: 'cascade' }),
    inviterAccountId: text('inviter_account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
    purpose: text('purpose', { enum: ['manager', 'share'] }).notNull().default('manager'),
    inviteeAccountId: text('invitee_account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    inviteeBundle: bytes('invitee_bundle'),
    proof: bytes('proof'),
  },
  (table) => [index('vault_invites_vault').on(table.vaultId)],
);

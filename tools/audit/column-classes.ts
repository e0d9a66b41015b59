// The one list of every column the server stores and its class (docs/what-the-server-sees.md explains
// each). Both tests/unit/server-sees.test.ts (page, schema and this list must agree) and the audit tool
// (tools/audit: a table or column not listed here is an ERROR) read it, so a new column cannot reach the
// database without a class, a reason on the page and an audit rule. Pure data: no import, no I/O.

export const COLUMN_CLASS_NAMES = [
  'random identifier', 'account identifier', 'public key material', 'ciphertext', 'envelope', 'signature',
  'key hash / verifier', 'chain hash', 'KDF parameters', 'timestamp', 'padded size', 'counter', 'server secret-derived', 'public directory data', 'other',
] as const;

export type ColumnClass = (typeof COLUMN_CLASS_NAMES)[number];

export type TableClasses = Readonly<Record<string, Readonly<Record<string, ColumnClass>>>>;

/** The tables declared in server/storage/schema.ts, column by column. */
export const SCHEMA_COLUMNS: TableClasses = {
  accounts: {
    id: 'account identifier',
    key_salt: 'key hash / verifier',
    auth_key_hash: 'key hash / verifier',
    recovery_auth_key_hash: 'key hash / verifier',
    kdf_algorithm: 'KDF parameters',
    kdf_memory_kib: 'KDF parameters',
    kdf_iterations: 'KDF parameters',
    kdf_parallelism: 'KDF parameters',
    kdf_salt: 'KDF parameters',
    public_bundle: 'public key material',
    wrapped_private_bundle: 'ciphertext',
    recovery_wrapped_private_bundle: 'ciphertext',
    created_at: 'timestamp',
  },
  sessions: {
    token_hash: 'key hash / verifier',
    account_id: 'account identifier',
    created_at: 'timestamp',
    last_used_at: 'timestamp',
    expires_at: 'timestamp',
  },
  login_throttles: {
    key: 'server secret-derived',
    failures: 'counter',
    window_start: 'timestamp',
    locked_until: 'timestamp',
  },
  vaults: {
    id: 'random identifier',
    owner_account_id: 'account identifier',
    manifest_sequence: 'counter',
    manifest: 'signature',
    history_checkpoint: 'signature',
    history_checkpoint_sequence: 'counter',
    created_at: 'timestamp',
    settings: 'ciphertext',
    settings_sequence: 'counter',
    public_bundle: 'public key material',
    label: 'ciphertext',
  },
  documents: {
    vault_id: 'random identifier',
    id: 'random identifier',
    current_version: 'counter',
    created_at: 'timestamp',
    updated_at: 'timestamp',
    pending: 'counter',
  },
  document_versions: {
    vault_id: 'random identifier',
    document_id: 'random identifier',
    version: 'counter',
    blob_id: 'random identifier',
    payload_size: 'padded size',
    author_account_id: 'account identifier',
    metadata: 'ciphertext',
    manifest: 'signature',
    created_at: 'timestamp',
  },
  envelopes: {
    vault_id: 'random identifier',
    document_id: 'random identifier',
    version: 'counter',
    position: 'counter',
    envelope: 'envelope',
  },
  uploads: {
    id: 'random identifier',
    vault_id: 'random identifier',
    account_id: 'account identifier',
    blob_id: 'random identifier',
    size: 'padded size',
    received: 'counter',
    created_at: 'timestamp',
    expires_at: 'timestamp',
    writer_until: 'timestamp',
  },
  access_events: {
    id: 'counter',
    vault_id: 'random identifier',
    actor_account_id: 'account identifier',
    action: 'other',
    document_id: 'random identifier',
    version: 'counter',
    at: 'timestamp',
    sequence: 'counter',
    chain_hash: 'chain hash',
  },
  pending_blob_deletions: {
    blob_id: 'random identifier',
    queued_at: 'timestamp',
  },
  practitioner_profiles: {
    account_id: 'account identifier',
    name: 'public directory data',
    profession: 'public directory data',
    specialty: 'public directory data',
    rpps: 'public directory data',
    place: 'public directory data',
    city: 'public directory data',
    search_text: 'public directory data',
    updated_at: 'timestamp',
  },
  grants: {
    vault_id: 'random identifier',
    id: 'random identifier',
    recipient_account_id: 'account identifier',
    role: 'other',
    created_at: 'timestamp',
    ends_at: 'timestamp',
    recipient_envelope: 'envelope',
    owner_envelope: 'envelope',
    scope: 'ciphertext',
    list: 'signature',
    list_sequence: 'counter',
  },
  grant_wraps: {
    vault_id: 'random identifier',
    grant_id: 'random identifier',
    document_id: 'random identifier',
    version: 'counter',
    wrap: 'envelope',
  },
  vault_managers: {
    vault_id: 'random identifier',
    account_id: 'account identifier',
    envelope: 'envelope',
    starts_at: 'timestamp',
    ends_at: 'timestamp',
    created_at: 'timestamp',
  },
  vault_invites: {
    id: 'random identifier',
    vault_id: 'random identifier',
    inviter_account_id: 'account identifier',
    created_at: 'timestamp',
    expires_at: 'timestamp',
    purpose: 'other',
    invitee_account_id: 'account identifier',
    invitee_bundle: 'public key material',
    proof: 'signature',
  },
};

/** Tables SQLite and drizzle's migrator create themselves (not in schema.ts). */
export const INTERNAL_COLUMNS: TableClasses = {
  __drizzle_migrations: {
    id: 'counter',
    hash: 'other',
    created_at: 'timestamp',
  },
  sqlite_sequence: {
    name: 'other',
    seq: 'counter',
  },
};

/** Every known table, schema and internal. */
export const ALL_COLUMNS: TableClasses = { ...SCHEMA_COLUMNS, ...INTERNAL_COLUMNS };

/** "table.column" → class, for every known column. */
export function columnClassList(tables: TableClasses = ALL_COLUMNS): { key: string; cls: ColumnClass }[] {
  return Object.entries(tables).flatMap(([table, columns]) =>
    Object.entries(columns).map(([column, cls]) => ({ key: `${table}.${column}`, cls })));
}

// The CLI's session file: per server, the account id, the bearer token, the vault id and the last vault
// manifest and access-history heads accepted (anti-rollback state), and the contacts' pinned key hashes
// (ATK-03: public, but a changed key must be noticed across runs). It holds NO key material: every command that needs keys
// re-derives them from the password (Argon2id) and unwraps the private bundle again, so a stolen file gives
// a session token (revocable, expiring) and nothing that decrypts. Mode 0600 in a 0700 folder.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const storedHeadSchema = z.strictObject({ sequence: z.number().int().positive(), hash: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

const storedPinSchema = z.strictObject({ keysHash: z.string().regex(/^[A-Za-z0-9_-]{43}$/), verified: z.boolean() });

const serverEntrySchema = z.strictObject({
  accountId: z.string().optional(),
  token: z.string().optional(),
  vaultId: z.string().optional(),
  /** Keyed by vault id; kept across logout so a later session still detects a rollback. */
  heads: z.record(z.string(), storedHeadSchema),
  /** The access-history head last verified, keyed by vault id (absent in files of older versions). */
  histories: z.record(z.string(), storedHeadSchema).optional(),
  /** The vault-settings sequence last accepted, keyed by vault id (a replayed older one is ROLLBACK). */
  settings: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Pinned contact keys: by own account id, then by the contact's account id. */
  pins: z.record(z.string(), z.record(z.string(), storedPinSchema)).optional(),
});

const configSchema = z.strictObject({ version: z.literal(1), servers: z.record(z.string(), serverEntrySchema) });

export type ServerEntry = z.infer<typeof serverEntrySchema>;
type ConfigFile = z.infer<typeof configSchema>;

/** $XDG_CONFIG_HOME/coffre-sante, else ~/.config/coffre-sante. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'coffre-sante');
}

export class ConfigStore {
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'session.json');
  }

  /** The entry for a server (an empty one if none). A corrupt file counts as empty. */
  get(server: string): ServerEntry {
    return this.read().servers[server] ?? { heads: {} };
  }

  set(server: string, entry: ServerEntry): void {
    const config = this.read();
    config.servers[server] = entry;
    this.write(config);
  }

  private read(): ConfigFile {
    if (!existsSync(this.file)) return { version: 1, servers: {} };
    const parsed = configSchema.safeParse(safeJson(readFileSync(this.file, 'utf8')));
    return parsed.success ? parsed.data : { version: 1, servers: {} };
  }

  /** Written to a temporary file with mode 0600, then renamed: never a half-written session file. */
  private write(config: ConfigFile): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

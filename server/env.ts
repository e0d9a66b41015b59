// Configuration, read and validated once at start: a bad value stops the server with a clear message
// instead of failing later on a request.
import { z } from 'zod';
import { isDatabaseUrl } from '../shared/database-url.ts';

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  /** The built web app; default dist/ beside the code. Built there at start when it holds no index.html. */
  STATIC_DIR: z.string().min(1).optional(),
  /** postgres://… : PostgreSQL instead of DATA_DIR/vault.sqlite3 (the blobs stay in DATA_DIR; SERVER_SECRET is then required). */
  DATABASE_URL: z.string().refine(isDatabaseUrl).optional(),
  /** Base64url, at least 32 bytes; otherwise DATA_DIR/server-secret is created once and kept. Required with DATABASE_URL. */
  SERVER_SECRET: z.string().regex(/^[A-Za-z0-9_-]{43,}$/).optional(),
  /** The origin browsers use (e.g. https://coffre.example): checked on state-changing requests. */
  PUBLIC_ORIGIN: z.url().optional(),
  /**
   * Added to the server clock (ms, may be negative). For end-to-end tests that need the end date of a
   * share to have passed; never set in production.
   */
  CLOCK_OFFSET_MS: z.string().regex(/^-?\d{1,15}$/).transform(Number).optional(),
});

export type ServerEnv = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new ConfigError(`invalid configuration: ${fields}`);
  }
  if (result.data.DATABASE_URL !== undefined && result.data.SERVER_SECRET === undefined) {
    // Every instance on the database must key throttling and fake salts alike, and a PostgreSQL backup
    // holds no DATA_DIR file: the secret has to live where the operator keeps it.
    throw new ConfigError('SERVER_SECRET est requis avec DATABASE_URL / SERVER_SECRET is required with DATABASE_URL');
  }
  return result.data;
}

// drizzle-kit configuration for PostgreSQL: `npm run db:generate:pg` writes the SQL migrations (committed)
// from schema-pg.ts, which mirrors schema.ts (tests/unit/schema-parity.test.ts).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/storage/schema-pg.ts',
  out: './server/storage/migrations/pg',
});

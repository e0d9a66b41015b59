// drizzle-kit configuration: `npx drizzle-kit generate --config server/storage/drizzle.config.ts` writes
// the SQL migrations (committed) that server/storage/database.ts applies at start.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './server/storage/schema.ts',
  out: './server/storage/migrations/sqlite',
});

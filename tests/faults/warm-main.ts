// server/main.ts with its modules loaded ahead of time: this process imports what main.ts imports, then
// waits for a line on stdin and only then imports server/main.ts, which starts the server exactly as
// `npm start` does (same entry point, same environment). The fault tests spawn one while the previous
// server still runs, so a restart after a kill costs milliseconds instead of seconds of TypeScript loading.
// The storage engine main.ts would load (PostgreSQL's with DATABASE_URL) is loaded too. Nothing here
// touches DATA_DIR, nor connects to a database, before the go.
export {};

await Promise.all([
  import('@hono/node-server'),
  import('../../server/app.ts'),
  import('../../server/bootstrap.ts'),
  import('../../server/env.ts'),
  import('../../server/storage/recovery.ts'),
  process.env.DATABASE_URL === undefined ? import('../../server/storage/sqlite-database.ts') : import('../../server/storage/pg-database.ts'),
]);
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  process.stdin.pause();
  void import('../../server/main.ts');
});

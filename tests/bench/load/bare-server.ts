// The baseline of the load rows: one Hono route returning a small JSON, served by @hono/node-server in a
// process of its own, as the vault server is. No middleware, no database: what a request costs in Node,
// Hono and the loopback socket alone. Prints "listening http://127.0.0.1:<port>/" once it serves.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/bare', (c) => c.json({ status: 'ok' }));

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  console.log(`listening http://127.0.0.1:${String(info.port)}/`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
});

// A tiny static file server for the built bench page, on 127.0.0.1 and a random port.

import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

async function serve(root: string, path: string): Promise<{ status: number; type: string; body: Buffer | string }> {
  const relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(/^([/\\])+/, '');
  if (relative.startsWith('..')) return { status: 403, type: 'text/plain', body: 'forbidden' };
  try {
    return { status: 200, type: TYPES[extname(relative)] ?? 'application/octet-stream', body: await readFile(join(root, relative)) };
  } catch {
    return { status: 404, type: 'text/plain', body: 'not found' };
  }
}

export function startStaticServer(root: string): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    void serve(root, path).then(({ status, type, body }) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      resolve({
        url: `http://127.0.0.1:${address.port}/`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => { done(); }); }),
      });
    });
  });
}

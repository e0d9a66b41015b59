// The command-line client end to end: the real app on a 127.0.0.1 socket with a throwaway DATA_DIR, the CLI
// as a child process (VAULT_PASSWORD, a temporary XDG_CONFIG_HOME), and the `age` CLI on the export. Then
// DATA_DIR (database, WAL, blobs) and the session file are scanned for the canaries (ATK-34).
import { serve, type ServerType } from '@hono/node-server';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { openServerState, type ServerState } from '../../server/bootstrap.ts';
import { REPO_ROOT } from '../paths.ts';

const run = promisify(execFile);
const CANARY_BYTES = 'CANARY-bytes-5c1e9a';
const CANARY_TITLE = 'CANARY-title-83b7d2';
const CANARY_NAME = 'CANARY-name-4f06aa';
const CANARIES = [CANARY_BYTES, CANARY_TITLE, CANARY_NAME];

let state: ServerState;
let server: ServerType;
let serverUrl = '';
const work = mkdtempSync(join(tmpdir(), 'coffre-cli-'));
const dataDir = join(work, 'data');
const configHome = join(work, 'config');

interface Result { code: number; stdout: string; stderr: string }

async function vault(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'client/cli/main.ts', '--server', serverUrl, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, VAULT_PASSWORD: 'correct horse battery staple', XDG_CONFIG_HOME: configHome },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Paths of files under `dir` holding any canary (as UTF-8 bytes). */
function canaryHits(dir: string): string[] {
  return filesUnder(dir).filter((path) => {
    const bytes = readFileSync(path);
    return CANARIES.some((canary) => bytes.includes(Buffer.from(canary, 'utf8')));
  });
}

beforeAll(async () => {
  state = await openServerState(dataDir, {});
  const app = createApp({ storage: state.storage, blobs: state.blobs, serverSecret: state.serverSecret });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      serverUrl = `http://127.0.0.1:${String(info.port)}`;
      resolve();
    });
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  await state.storage.close();
  rmSync(work, { recursive: true, force: true });
});

describe('vault command-line client', () => {
  it('ATK-34 round trip: signup, login, upload, list, download, versions, export to age and FHIR, history, delete; no canary reaches the server', async () => {
    const plaintext = Buffer.concat([Buffer.from(`%PDF-1.7 ${CANARY_BYTES}\n`), Buffer.alloc(300_000, 0x41), Buffer.from(CANARY_BYTES)]);
    const input = join(work, `${CANARY_NAME}.pdf`);
    writeFileSync(input, plaintext);

    const signup = await vault('signup', 'alice@example.org');
    expect(signup.code, signup.stderr).toBe(0);
    expect(signup.stdout.match(/^\s*\d+\. \S+$/gm)).toHaveLength(24);
    expect((await vault('login', 'alice@example.org')).code).toBe(0);
    const session = readFileSync(join(configHome, 'coffre-sante', 'session.json'));
    expect(statSync(join(configHome, 'coffre-sante', 'session.json')).mode & 0o777).toBe(0o600);

    const upload = await vault('upload', input, '--title', CANARY_TITLE, '--category', '11502-2', '--date', '2026-02-14');
    expect(upload.code, upload.stderr).toBe(0);
    const documentId = upload.stdout.split('\t')[0] ?? '';
    expect(documentId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const list = await vault('list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(documentId);
    expect(list.stdout).toContain(CANARY_TITLE);
    expect(list.stdout).toContain(`${CANARY_NAME}.pdf`);

    const out = join(work, 'downloaded.pdf');
    const download = await vault('download', documentId, '--out', out);
    expect(download.code, download.stderr).toBe(0);
    expect(readFileSync(out).equals(plaintext)).toBe(true);

    const second = join(work, 'second.txt');
    writeFileSync(second, 'version 1');
    const other = (await vault('upload', second, '--title', 'Radio', '--category', 'imagerie')).stdout.split('\t')[0] ?? '';
    writeFileSync(second, 'version 2');
    const newVersion = await vault('upload', second, '--document', other, '--title', 'Radio v2', '--category', 'imagerie');
    expect(newVersion.code, newVersion.stderr).toBe(0);
    expect(newVersion.stdout).toBe(`${other}\tv2\n`);
    const versions = await vault('versions', other);
    expect(versions.code, versions.stderr).toBe(0);
    expect(versions.stdout.trim().split('\n').map((line) => line.split('\t')[0])).toEqual(['v1', 'v2']);
    const older = join(work, 'older.txt');
    expect((await vault('download', other, '--version', '1', '--out', older)).code).toBe(0);
    expect(readFileSync(older, 'utf8')).toBe('version 1');

    const keyFile = join(work, 'key.txt');
    await run('/usr/bin/age-keygen', ['-o', keyFile]);
    const recipient = /public key: (age1\S+)/.exec(readFileSync(keyFile, 'utf8'))?.[1] ?? '';
    const exportDir = join(work, 'export');
    const exported = await vault('export', '--recipient', recipient, '--out', exportDir);
    expect(exported.code, exported.stderr).toBe(0);
    const decrypted = await run('/usr/bin/age', ['-d', '-i', keyFile, join(exportDir, `${documentId}.age`)], { encoding: 'buffer', maxBuffer: 16 << 20 });
    expect(Buffer.from(decrypted.stdout).equals(plaintext)).toBe(true);
    const decryptedOther = await run('/usr/bin/age', ['-d', '-i', keyFile, join(exportDir, `${other}.age`)]);
    expect(decryptedOther.stdout).toBe('version 2');
    const bundle = JSON.parse(readFileSync(join(exportDir, 'documents.fhir.json'), 'utf8')) as { resourceType: string; entry: { resource: { resourceType: string; description: string } }[] };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual(['DocumentReference', 'DocumentReference']);
    expect(bundle.entry.map((entry) => entry.resource.description).sort()).toEqual([CANARY_TITLE, 'Radio v2'].sort());

    const history = await vault('history');
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain('payload-read');

    const stored = filesUnder(dataDir).map((path) => path.slice(dataDir.length));
    expect(stored.some((path) => path.endsWith('-wal'))).toBe(true);
    expect(stored.filter((path) => path.startsWith('/blobs/') && !path.startsWith('/blobs/tmp/')).length).toBeGreaterThan(0);
    expect(canaryHits(dataDir)).toEqual([]);
    expect(CANARIES.some((canary) => session.includes(canary))).toBe(false);

    expect((await vault('delete', documentId)).code).toBe(0);
    const after = await vault('list');
    expect(after.stdout).not.toContain(documentId);
    expect((await vault('download', documentId, '--out', join(work, 'gone'))).code).toBe(4);
    expect(canaryHits(dataDir)).toEqual([]);
    expect(canaryHits(join(configHome, 'coffre-sante'))).toEqual([]);
  }, 120_000);

  it('the canary scanner finds a canary in a file (self-check)', () => {
    const dir = mkdtempSync(join(work, 'scan-'));
    writeFileSync(join(dir, 'x'), Buffer.concat([Buffer.alloc(10), Buffer.from(CANARY_TITLE)]));
    expect(canaryHits(dir)).toHaveLength(1);
  });

  it('reports a wrong password, a missing session and bad usage with stable codes and exit codes', async () => {
    const wrong = await run('node', ['--import', 'tsx', 'client/cli/main.ts', '--server', serverUrl, 'login', 'alice@example.org'], {
      cwd: REPO_ROOT, env: { ...process.env, VAULT_PASSWORD: 'not the password', XDG_CONFIG_HOME: join(work, 'other') },
    }).catch((error: unknown) => error as { code: number; stderr: string });
    expect('code' in wrong ? wrong.code : 0).toBe(3);
    expect('stderr' in wrong ? wrong.stderr : '').toMatch(/\[UNAUTHENTICATED\]/);
    const usage = await vault('frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('[USAGE]');
    const weak = await run('node', ['--import', 'tsx', 'client/cli/main.ts', '--server', serverUrl, 'signup', 'carol@example.org'], {
      cwd: REPO_ROOT, env: { ...process.env, VAULT_PASSWORD: 'azertyuiop123', XDG_CONFIG_HOME: join(work, 'weak') },
    }).catch((error: unknown) => error as { code: number; stderr: string });
    expect('code' in weak ? weak.code : 0).toBe(2);
    expect('stderr' in weak ? weak.stderr : '').toMatch(/trop courant.*\[PASSWORD_TOO_WEAK\]/);
  }, 60_000);
});

// Debian's Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages
// ending in NUL, written to fd 3, read from fd 4), with no domain enabled but what is called. Playwright
// cannot be used for timing uploads: it enables the Network domain, and Chromium then copies every request
// body, base64, into a protocol message to the driver (4 MiB per PUT), which costs the browser and this
// process (the server) more than the upload itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_BIN } from '../../e2e/browser.ts';

/** As tests/e2e/browser.ts, plus what a headless browser without Playwright needs. */
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-default-browser-check', '--mute-audio', '--remote-debugging-pipe',
];

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Listener = (method: string, params: Record<string, unknown>) => void;

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { message: string };
}

export interface EvaluateResult {
  result: { value?: unknown; objectId?: string };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

export class CdpBrowser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<Listener>();
  private readonly output: Writable;
  private received: Buffer = Buffer.alloc(0);
  /** The page's flat session, once attached. */
  sessionId: string | undefined;

  private constructor(private readonly child: ChildProcess, private readonly profile: string) {
    this.output = child.stdio[3] as Writable;
    (child.stdio[4] as Readable).on('data', (chunk: Buffer) => { this.receive(chunk); });
    child.on('exit', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('Chromium exited'));
      this.pending.clear();
    });
  }

  /** Starts Chromium on about:blank and attaches to that page. */
  static async launch(): Promise<CdpBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'bench-cdp-profile-'));
    const child = spawn(CHROMIUM_BIN, [...ARGS, `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    const browser = new CdpBrowser(child, profile);
    try {
      const { targetInfos } = await browser.send<{ targetInfos: { targetId: string; type: string }[] }>('Target.getTargets');
      const page = targetInfos.find((target) => target.type === 'page');
      if (page === undefined) throw new Error('Chromium opened no page');
      const { sessionId } = await browser.send<{ sessionId: string }>('Target.attachToTarget', { targetId: page.targetId, flatten: true });
      browser.sessionId = sessionId;
      return browser;
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** The browser process (the root of Chromium's process tree). */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** A browser-level command, or a page command when `onPage`. */
  send<T>(method: string, params: Record<string, unknown> = {}, onPage = false): Promise<T> {
    return this.sendTo(onPage ? this.sessionId : undefined, method, params);
  }

  /** A command to one attached target (a Worker when profiling), or to the browser. */
  sendTo<T>(sessionId: string | undefined, method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const message = sessionId === undefined ? { id, method, params } : { id, method, params, sessionId };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.output.write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Runs `fn(arg)` in the page (its source text: no named inner functions) and returns its JSON value. */
  async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    const expression = `(${fn.toString()})(${JSON.stringify(arg)})`;
    const answer = await this.send<EvaluateResult>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, userGesture: true }, true);
    if (answer.exceptionDetails !== undefined) throw new Error(`in the page: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`);
    return answer.result.value as R;
  }

  /** Resolves with the params of the first `method` event that `accept` takes; rejects after `timeoutMs`. */
  waitForEvent(method: string, accept: (params: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const listener: Listener = (name, params) => {
        if (name !== method || !accept(params)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(params);
      };
      const timer = setTimeout(() => { this.listeners.delete(listener); reject(new Error(`no ${method} within ${String(timeoutMs)} ms`)); }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      await this.send('Browser.close').catch(() => undefined);
      const timer = setTimeout(() => { this.child.kill('SIGKILL'); }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.profile, { recursive: true, force: true });
  }

  private receive(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    for (let end = this.received.indexOf(0); end >= 0; end = this.received.indexOf(0)) {
      const message = JSON.parse(this.received.subarray(0, end).toString('utf8')) as Message;
      this.received = this.received.subarray(end + 1);
      this.dispatch(message);
    }
  }

  private dispatch(message: Message): void {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
      return;
    }
    if (message.method !== undefined) for (const listener of [...this.listeners]) listener(message.method, message.params ?? {});
  }
}

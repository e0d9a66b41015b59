// The tamper layer: a fetch that sits between the real client core and the real server (app.request) and
// plays the malicious server. Named mutations rewrite a request or a response on the way (a JSON field, a
// base64url field, payload bytes, a Range answer) or replay a response recorded earlier. Every request the
// client sent is logged, and every mutation that fired is named, so a test proves its attack happened and
// can tell what the client sent after it.
import type { FetchLike } from '../../client/core/api.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';

/** What the client sent: method, path with its query, and the body as text (JSON) or bytes (uploads). */
export interface SentRequest {
  method: string;
  path: string;
  body: string | Uint8Array | undefined;
}

/** A response as the tamper layer holds it: replayable any number of times. */
export interface RecordedResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export interface Mutation {
  /** Shown in `fired` when it applied. */
  name: string;
  method?: string;
  /** Tested against the path and query of each request. */
  path: RegExp;
  /** Applies at most this many times (default: every match). */
  times?: number;
  request?: (request: SentRequest) => SentRequest;
  response?: (response: RecordedResponse, request: SentRequest) => RecordedResponse | Promise<RecordedResponse>;
}

export type Target = (url: string, init: RequestInit) => Response | Promise<Response>;

export class TamperLayer {
  /** Every request the client made, in order, after any request mutation. */
  readonly sent: SentRequest[] = [];
  /** Names of the mutations that applied, in order. */
  readonly fired: string[] = [];
  private mutations: { mutation: Mutation; left: number }[] = [];
  private readonly recordings = new Map<string, RecordedResponse>();
  private readonly wanted: { name: string; method: string; path: RegExp }[] = [];

  constructor(private readonly target: Target) {}

  /** Replaces the active mutations (and forgets the request log). */
  use(...mutations: Mutation[]): this {
    this.mutations = mutations.map((mutation) => ({ mutation, left: mutation.times ?? Infinity }));
    this.sent.length = 0;
    this.fired.length = 0;
    return this;
  }

  /** Honest from now on. */
  reset(): this {
    return this.use();
  }

  /** Keeps the next response to `method path` under `name`, for replay(). */
  record(name: string, method: string, path: RegExp): void {
    this.wanted.push({ name, method, path });
  }

  recorded(name: string): RecordedResponse {
    const recording = this.recordings.get(name);
    if (recording === undefined) throw new Error(`nothing recorded as ${name}`);
    return recording;
  }

  /** The requests sent since use(), as "METHOD /path" (query left out). */
  calls(): string[] {
    return this.sent.map((request) => `${request.method} ${request.path.split('?')[0] ?? ''}`);
  }

  readonly fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url);
    let request: SentRequest = { method: init.method ?? 'GET', path: parsed.pathname + parsed.search, body: bodyOf(init.body) };
    const active = this.mutations.filter((entry) => entry.left > 0 && matches(entry.mutation, request));
    for (const entry of active) {
      if (entry.mutation.request === undefined) continue;
      request = entry.mutation.request(request);
      this.fire(entry);
    }
    this.sent.push(request);
    const headers = new Headers(init.headers);
    const answer = await this.target(`${parsed.origin}${request.path}`, { ...init, method: request.method, headers, body: request.body as BodyInit | undefined });
    let response = await hold(answer);
    this.keep(request, response);
    for (const entry of active) {
      if (entry.mutation.response === undefined) continue;
      response = await entry.mutation.response(response, request);
      this.fire(entry);
    }
    return new Response(response.status === 204 ? null : response.body as BodyInit, { status: response.status, headers: response.headers });
  };

  private fire(entry: { mutation: Mutation; left: number }): void {
    entry.left -= 1;
    this.fired.push(entry.mutation.name);
  }

  private keep(request: SentRequest, response: RecordedResponse): void {
    const index = this.wanted.findIndex((want) => want.method === request.method && want.path.test(request.path));
    const want = this.wanted[index];
    if (want === undefined) return;
    this.wanted.splice(index, 1);
    this.recordings.set(want.name, { ...response, body: response.body.slice() });
  }
}

function matches(mutation: Mutation, request: SentRequest): boolean {
  return (mutation.method === undefined || mutation.method === request.method) && mutation.path.test(request.path);
}

function bodyOf(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('the client core sends JSON text or bytes only');
}

async function hold(response: Response): Promise<RecordedResponse> {
  return { status: response.status, headers: [...response.headers.entries()], body: new Uint8Array(await response.arrayBuffer()) };
}

// ---- Named mutations -------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** Rewrites the JSON body of matching responses in place. */
export function editJson(name: string, path: RegExp, edit: (body: Json, request: SentRequest) => void, method = 'GET'): Mutation {
  return {
    name, method, path,
    response: (response, request) => {
      const body = JSON.parse(new TextDecoder().decode(response.body)) as Json;
      edit(body, request);
      return withBody(response, new TextEncoder().encode(JSON.stringify(body)));
    },
  };
}

/** Rewrites the bytes of one base64url field (`field` is a dotted path, e.g. "account.wrappedPrivateBundle"). */
export function editBase64Field(name: string, path: RegExp, field: string, edit: (bytes: Uint8Array) => Uint8Array, method = 'GET'): Mutation {
  return editJson(name, path, (body) => {
    const { parent, key } = locate(body, field);
    const value = parent[key];
    if (typeof value !== 'string') throw new TypeError(`${field} is not a base64url string`);
    parent[key] = toBase64url(edit(fromBase64url(value)));
  }, method);
}

/** Rewrites the binary body of matching responses (payload downloads). */
export function editBytes(name: string, path: RegExp, edit: (bytes: Uint8Array) => Uint8Array): Mutation {
  return { name, method: 'GET', path, response: (response) => withBody(response, edit(response.body.slice())) };
}

/** Answers a matching request with a response recorded earlier, whatever the server said now. */
export function replay(name: string, path: RegExp, recording: () => RecordedResponse, method = 'GET'): Mutation {
  return { name, method, path, response: () => ({ ...recording(), body: recording().body.slice() }) };
}

/** Answers matching requests with `body` as JSON and `status`, whatever the server said (or that it had nothing). */
export function respondJson(name: string, path: RegExp, body: () => unknown, status = 200, method = 'GET'): Mutation {
  return {
    name, method, path,
    response: () => ({ status, headers: [['content-type', 'application/json']], body: new TextEncoder().encode(JSON.stringify(body())) }),
  };
}

/**
 * Answers a full download with "206 Partial Content" for bytes start..end only, as if the client had asked
 * for that Range: a truncation dressed as a protocol answer.
 */
export function partialContent(name: string, path: RegExp, start: number, end: number): Mutation {
  return {
    name, method: 'GET', path,
    response: (response) => {
      const total = response.body.length;
      const headers = response.headers.filter(([header]) => header !== 'content-length');
      headers.push(['content-range', `bytes ${String(start)}-${String(end)}/${String(total)}`]);
      return { status: 206, headers, body: response.body.slice(start, end + 1) };
    },
  };
}

/** Rewrites the JSON body of matching requests before the server sees them. */
export function editRequestJson(name: string, method: string, path: RegExp, edit: (body: Json) => void): Mutation {
  return {
    name, method, path,
    request: (request) => {
      if (typeof request.body !== 'string') throw new TypeError('not a JSON request');
      const body = JSON.parse(request.body) as Json;
      edit(body);
      return { ...request, body: JSON.stringify(body) };
    },
  };
}

// ---- Byte helpers ----------------------------------------------------------------------------------

/** A copy of `bytes` with bit `bit` of byte `index` flipped (a negative index counts from the end). */
export function flipBit(bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  const at = index < 0 ? out.length + index : index;
  if (at < 0 || at >= out.length) throw new RangeError('no such byte');
  out[at] = (out[at] ?? 0) ^ (1 << bit);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function withBody(response: RecordedResponse, body: Uint8Array): RecordedResponse {
  return { ...response, headers: response.headers.filter(([header]) => header !== 'content-length'), body };
}

function locate(body: Json, field: string): { parent: Json; key: string } {
  const keys = field.split('.');
  const key = keys.pop() ?? field;
  let parent: Json = body;
  for (const step of keys) {
    const next = parent[step];
    if (typeof next !== 'object' || next === null) throw new TypeError(`no field ${field}`);
    parent = next as Json;
  }
  return { parent, key };
}

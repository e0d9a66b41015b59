// Turns a fuzz case into a Request for one route in the live world: the route's valid request, with the
// case's method, credentials, path, query, body and headers applied on top.
import { ORIGIN, randomB64 } from '../integration/harness.ts';
import type { AuthChoice, Base64Variant, BodyChoice, Encoding, FuzzCase, Mutation, PathChoice, QueryChoice } from './arbitraries.ts';
import { fillPath, validChunk, type RouteSpec } from './route-table.ts';
import type { World } from './world.ts';

export interface BuiltRequest {
  request: Request;
  method: string;
  /** The path and query as sent, for failure messages. */
  target: string;
}

export async function buildRequest(world: World, route: RouteSpec, fuzz: FuzzCase): Promise<BuiltRequest> {
  const method = (fuzz.method ?? route.method).toUpperCase();
  const target = `${pathOf(world, route, fuzz.path)}${queryOf(route, fuzz.query)}`;
  const headers = new Headers(authHeaders(world, fuzz.auth));
  const body = method === 'GET' || method === 'HEAD' ? undefined : await bodyOf(world, route, fuzz.body, headers);
  for (const [name, value] of fuzz.headers) headers.set(name, value);
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (body !== undefined) {
    init.body = body;
    init.duplex = 'half';
  }
  return { request: new Request(`${ORIGIN}${target}`, init), method, target };
}

function authHeaders(world: World, auth: AuthChoice): Record<string, string> {
  switch (auth.kind) {
    case 'none': return {};
    case 'bearer': return { authorization: `Bearer ${(auth.who === 'alice' ? world.alice : world.bob).token}` };
    case 'cookie': {
      const cookie = { cookie: `__Host-session=${world.aliceCookie}` };
      return auth.withOrigin ? { ...cookie, origin: ORIGIN, 'sec-fetch-site': 'same-origin' } : cookie;
    }
    case 'garbage-bearer': return { authorization: auth.header };
    case 'garbage-cookie': return { cookie: auth.cookie };
  }
}

function pathOf(world: World, route: RouteSpec, choice: PathChoice): string {
  const values = route.params(world);
  const names = Object.keys(values);
  const valid = fillPath(route.path, values);
  switch (choice.kind) {
    case 'valid': return valid;
    case 'param': {
      const segment = choice.encode ? encodeSegment(choice.value) : choice.value;
      const name = names[choice.index % Math.max(1, names.length)];
      return name === undefined ? `${valid}/${segment}` : fillPath(route.path, { ...values, [name]: segment });
    }
    case 'foreign': {
      const name = names[choice.index % Math.max(1, names.length)];
      if (name === undefined) return valid;
      return fillPath(route.path, { ...values, [name]: choice.who === 'bob' ? bobsValue(world, name) : randomB64(16) });
    }
    case 'shape': return reshape(valid, choice.variant, encodeSegment(choice.suffix));
  }
}

/** Names tried by a query-parameter case on a route whose valid request has no query. */
const USUAL_QUERY_NAMES = ['limit', 'cursor', 'q'];

function queryOf(route: RouteSpec, choice: QueryChoice): string {
  switch (choice.kind) {
    case 'valid': return route.query ?? '';
    case 'text': return choice.text;
    case 'param': {
      const pairs = (route.query ?? '').replace(/^\?/, '').split('&').filter((pair) => pair !== '').map((pair) => pair.split('=', 2) as [string, string?]);
      const names = pairs.length > 0 ? pairs.map(([name]) => name) : USUAL_QUERY_NAMES;
      const name = names[choice.index % names.length] ?? 'q';
      const value = choice.encode ? encodeSegment(choice.value) : choice.value;
      const kept = pairs.some(([key]) => key === name) ? pairs : [...pairs, [name]];
      return `?${kept.map(([key, old]) => (key === name ? `${key}=${value}` : `${key}=${old ?? ''}`)).join('&')}`;
    }
  }
}

/** Bob's own id for this parameter: a real id that Alice's requests must not reach. */
function bobsValue(world: World, name: string): string {
  if (name === 'vaultId') return world.bob.vaultId;
  if (name === 'documentId') return world.bobDocumentId;
  if (name === 'uploadId') return world.bobUploadId;
  return '2';
}

function reshape(path: string, variant: 'trailing-slash' | 'double-slash' | 'upper-case' | 'suffix' | 'dot-segment', suffix: string): string {
  const cut = path.lastIndexOf('/');
  switch (variant) {
    case 'trailing-slash': return `${path}/`;
    case 'double-slash': return `${path.slice(0, cut)}/${path.slice(cut)}`;
    case 'upper-case': return path.replace('/api/', '/API/');
    case 'suffix': return `${path}/${suffix}`;
    case 'dot-segment': return `${path.slice(0, cut)}/${suffix}/..${path.slice(cut)}`;
  }
}

/** encodeURIComponent, or the text as it is when it holds a lone surrogate (which it refuses). */
export function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

async function bodyOf(world: World, route: RouteSpec, choice: BodyChoice, headers: Headers): Promise<BodyInit | undefined> {
  if (route.body === 'chunk') {
    headers.set('content-range', (await validChunk(world)).contentRange);
    headers.set('content-type', 'application/octet-stream');
  } else if (choice.kind !== 'bytes' && choice.kind !== 'stream' && choice.kind !== 'none') {
    headers.set('content-type', 'application/json');
  }
  switch (choice.kind) {
    case 'none': return undefined;
    case 'valid': return validBody(world, route);
    case 'mutated': return route.body === 'chunk' ? resized((await validChunk(world)).bytes, choice.mutation.target) : encode(mutatedJson(await templateOf(world, route), choice.mutation), choice.encoding);
    case 'json': return JSON.stringify(choice.value);
    case 'text': return choice.text;
    case 'bytes': return new Uint8Array(choice.bytes);
    case 'stream': return streamOf(choice.bytes, choice.fail);
  }
}

export async function templateOf(world: World, route: RouteSpec): Promise<unknown> {
  return (await route.json?.(world)) ?? {};
}

async function validBody(world: World, route: RouteSpec): Promise<BodyInit | undefined> {
  if (route.body === 'chunk') return (await validChunk(world)).bytes.slice();
  if (route.body === 'json') return JSON.stringify(await templateOf(world, route));
  return undefined;
}

/** The valid chunk, a few bytes shorter or longer than its Content-Range says. */
function resized(bytes: Uint8Array, target: number): Uint8Array<ArrayBuffer> {
  const delta = (target % 7) - 3;
  return new Uint8Array(Math.max(0, bytes.length + (delta === 0 ? 1 : delta)));
}

function streamOf(bytes: Uint8Array, fail: boolean): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes.slice());
      if (fail) controller.error(new Error('connection reset'));
      else controller.close();
    },
  });
}

function encode(text: string, encoding: Encoding): Uint8Array<ArrayBuffer> | string {
  switch (encoding) {
    case 'utf-8': return text;
    case 'utf-8-bom': return `\ufeff${text}`;
    case 'utf-16le': return new Uint8Array(Buffer.from(text, 'utf16le'));
    case 'latin1': return new Uint8Array(Buffer.from(text, 'latin1'));
  }
}

type Path = (string | number)[];

/** Every place in a JSON value: the root, each container and each leaf, in a stable order. */
function placesOf(value: unknown, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => placesOf(item, [...at, index]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([key, item]) => placesOf(item, [...at, key]))];
  return here;
}

/** The template's leaves (its strings, numbers, booleans and nulls): their mutation targets, and their paths for messages. */
export function leavesOf(template: unknown): { target: number; path: string }[] {
  return placesOf(template).flatMap((path, target) => {
    const value = valueAt(template, path);
    return value !== null && typeof value === 'object' ? [] : [{ target, path: path.join('.') }];
  });
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], root);
}

const RAW_MARKER = '\u0001raw\u0001';

/** The template as JSON text with one mutation applied (some only exist as text: 1e999, a duplicate key). */
export function mutatedJson(template: unknown, mutation: Mutation): string {
  const root = structuredClone(template);
  const places = placesOf(root);
  const { op } = mutation;
  const candidates = op.kind === 'base64'
    ? places.filter((path) => typeof valueAt(root, path) === 'string')
    : op.kind === 'extra' ? places.filter((path) => typeof valueAt(root, path) === 'object' && valueAt(root, path) !== null) : places;
  const path = candidates[mutation.target % Math.max(1, candidates.length)] ?? [];
  let raw: string | undefined;
  const set = (value: unknown): unknown => replaceAt(root, path, value);
  let result: unknown;
  switch (op.kind) {
    case 'replace': result = set(op.value); break;
    case 'delete': result = path.length === 0 ? undefined : deleteAt(root, path); break;
    case 'extra': result = addExtra(root, path, op.key, op.value); break;
    case 'base64': {
      const text = valueAt(root, path);
      result = set(mangleBase64(typeof text === 'string' ? text : '', op.variant));
      break;
    }
    case 'raw': raw = op.text; result = set(RAW_MARKER); break;
  }
  const text = result === undefined ? '' : JSON.stringify(result);
  return raw === undefined ? text : text.replace(JSON.stringify(RAW_MARKER), raw);
}

function replaceAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = valueAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path.at(-1) as string | number] = value;
  return root;
}

function deleteAt(root: unknown, path: Path): unknown {
  const parent = valueAt(root, path.slice(0, -1));
  const key = path.at(-1) as string | number;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else Reflect.deleteProperty(parent as object, key);
  return root;
}

function addExtra(root: unknown, path: Path, key: string, value: unknown): unknown {
  const container = valueAt(root, path);
  if (Array.isArray(container)) container.push(value);
  else Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A base64url string made wrong in one of the ways the API must refuse (or, for 'double', too long). */
function mangleBase64(text: string, variant: Base64Variant): string {
  switch (variant) {
    case 'padded': return `${text}${'='.repeat(text.length % 4 === 3 ? 1 : 2)}`;
    case 'standard-alphabet': return /[-_]/.test(text) ? text.replace(/-/g, '+').replace(/_/g, '/') : `+${text.slice(1)}`;
    case 'low-bits': {
      if (text.length % 4 === 0) return `${text}AB`;
      const last = ALPHABET.indexOf(text.charAt(text.length - 1));
      return `${text.slice(0, -1)}${ALPHABET.charAt(last | 1)}`;
    }
    case 'drop-last': return text.slice(0, -1);
    case 'add-char': return `${text}A`;
    case 'whitespace': return `${text.slice(0, 4)}\n${text.slice(4)}`;
    case 'percent': return `%41${text.slice(1)}`;
    case 'double': return `${text}${text}`;
  }
}

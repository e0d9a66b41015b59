// fast-check generators for one fuzzed request: who it claims to be, its path, query, body and headers.
// They produce descriptions, not requests: build-request.ts applies them to the route's valid request in
// the live world, so a failing case replays from its seed whatever the random keys of the world.
import { createHash } from 'node:crypto';
import fc from 'fast-check';

export type AuthChoice =
  | { kind: 'none' }
  | { kind: 'bearer'; who: 'alice' | 'bob' }
  | { kind: 'cookie'; withOrigin: boolean }
  | { kind: 'garbage-bearer'; header: string }
  | { kind: 'garbage-cookie'; cookie: string };

export type PathChoice =
  | { kind: 'valid' }
  /** One parameter replaced by `value`; percent-encoded first when `encode`. */
  | { kind: 'param'; index: number; value: string; encode: boolean }
  /** Bob's vault, or a well-formed id nobody holds, in place of one parameter. */
  | { kind: 'foreign'; index: number; who: 'bob' | 'nobody' }
  | { kind: 'shape'; variant: 'trailing-slash' | 'double-slash' | 'upper-case' | 'suffix' | 'dot-segment'; suffix: string };

export type MutationOp =
  | { kind: 'replace'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'base64'; variant: Base64Variant }
  /** JSON text that no JSON value stringifies to: 1e999 (Infinity), -0, 1.0, a duplicate key. */
  | { kind: 'raw'; text: string };

export type Base64Variant = 'padded' | 'standard-alphabet' | 'low-bits' | 'drop-last' | 'add-char' | 'whitespace' | 'percent' | 'double';

export interface Mutation {
  /** Index into the template's paths (objects, arrays and leaves), modulo their count. */
  target: number;
  op: MutationOp;
}

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'latin1';

export type BodyChoice =
  | { kind: 'valid' }
  | { kind: 'mutated'; mutation: Mutation; encoding: Encoding }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stream'; bytes: Uint8Array; fail: boolean }
  | { kind: 'none' };

export type QueryChoice =
  | { kind: 'valid' }
  /** The whole query string, with its '?'. */
  | { kind: 'text'; text: string }
  /** One parameter of the route's valid query (or a usual name, when it has none) given `value`; percent-encoded first when `encode`. */
  | { kind: 'param'; index: number; value: string; encode: boolean };

export interface FuzzCase {
  method: string | null;
  auth: AuthChoice;
  path: PathChoice;
  query: QueryChoice;
  body: BodyChoice;
  headers: [string, string][];
}

/** Characters a header value may hold (the Fetch API refuses NUL, CR and LF). */
const headerChar = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((code) => String.fromCharCode(code));
const headerText = (maxLength = 40) => fc.string({ unit: headerChar, maxLength });
const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_!#$%&\'*+.^`|~'.split(''));

/** Strings at the edges: empty, control (PostgreSQL refuses a NUL in text), lone surrogates, non-NFC, RTL, astral, BOM. */
const unicodeEdge = fc.constantFrom(
  '', ' ', '\u0000', 'a\u0000b', '\u0007', '\u001f', '\u007f', '\u0085', '\u009f', '\ud800', '\udfff', 'a\ud800b', '\ufeff', '\ufffe', '\uffff',
  '\u202e', 'e\u0301', '\u00e9', 'Å', '\u{1F600}', '\u{10FFFF}', 'ﬁ', 'İ', '\u200b', 'null', 'undefined', '__proto__', 'constructor',
  '../../etc/passwd', '%00', '<script>', "'; DROP TABLE accounts; --", '${x}', '\\', '"',
);
const hugeString = fc.constantFrom(70_000, 90_000).chain((length) => fc.constantFrom('A'.repeat(length), 'é'.repeat(length / 2), '\u{1F600}'.repeat(length / 4)));

/** Text that does not compress, longer than a PostgreSQL index entry may be (about 2.7 kB): for ids and other indexed columns. */
const longRandomText = fc.tuple(fc.constantFrom(3_000, 9_000), fc.integer()).map(([length, seed]) => pseudoRandomText(length, seed));

/** Deterministic base64url text from a seed, so a failing case replays. */
export function pseudoRandomText(length: number, seed: number): string {
  let text = '';
  for (let block = 0; text.length < length; block += 1) text += createHash('sha256').update(`${String(seed)}:${String(block)}`).digest('base64url');
  return text.slice(0, length);
}

/** A text with a control character inside (NUL the most often): PostgreSQL refuses a NUL in text. */
const controlText = fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085'), fc.string({ maxLength: 8 })).map((parts) => parts.join(''));

/** Around PostgreSQL's integer (int4) and bigint bounds, as path and query text. */
const integerEdgeText = fc.constantFrom('2147483647', '2147483648', '-2147483648', '-2147483649', '4294967296', '9007199254740993', '9223372036854775807', '9223372036854775808', '-9223372036854775809');

const edgeNumber = fc.constantFrom(0, -0, -1, 1, 1.5, 0.1, 255, 256, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 63, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 8 * 1024 ** 3, 8 * 1024 ** 3 + 1, 1e21, 1e308, -1e308, Number.MIN_VALUE, Number.MAX_VALUE);

/** Any JSON value, weighted towards the values that break validators. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(null, true, false, [], {}, [[]], [null], { '': '' }) },
  { weight: 3, arbitrary: edgeNumber },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 3, arbitrary: unicodeEdge },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: longRandomText },
  { weight: 1, arbitrary: controlText },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constant({ ['__proto__']: { polluted: true } }) },
);

const rawJson = fc.constantFrom('1e999', '-1e999', '-0', '1.0', '1E2', '0x10', 'NaN', 'Infinity', '01', '.5', '"\\ud800"', '"\\u0000"', '"a"  ', '{"a":1,"a":2}', 'undefined');

const mutationOp: fc.Arbitrary<MutationOp> = fc.oneof(
  { weight: 5, arbitrary: weirdValue.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra' as const), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'isAdmin', ''), fc.string({ maxLength: 10 })), value: weirdValue }) },
  { weight: 4, arbitrary: fc.constantFrom<Base64Variant>('padded', 'standard-alphabet', 'low-bits', 'drop-last', 'add-char', 'whitespace', 'percent', 'double').map((variant) => ({ kind: 'base64' as const, variant })) },
  { weight: 2, arbitrary: rawJson.map((text) => ({ kind: 'raw' as const, text })) },
);

const mutation: fc.Arbitrary<Mutation> = fc.record({ target: fc.nat(), op: mutationOp });

/** Text a JSON parser must refuse or survive: cut, nested deep, trailing garbage, comments, BOMs. */
const malformedText = fc.oneof(
  fc.constantFrom('', ' ', '{', '}', '[', '{"a":', '{"a":1,}', '[1,2', 'null', 'true', '"text"', '42', '[]', '{}', '\u0000', '\ufeff{}', '{} {}', '{/*c*/}', "{'a':1}", '{"a":1}garbage'),
  fc.constantFrom(1_000, 100_000).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constantFrom(1_000, 50_000).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 4 }).chain((text) => fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut))),
);

export const bodyChoice: fc.Arbitrary<BodyChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('mutated' as const), mutation, encoding: fc.constantFrom<Encoding>('utf-8', 'utf-8', 'utf-8', 'utf-8-bom', 'utf-16le', 'latin1') }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'json' as const, value })) },
  { weight: 2, arbitrary: malformedText.map((text) => ({ kind: 'text' as const, text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stream' as const), bytes: fc.uint8Array({ maxLength: 300 }), fail: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

export const authChoice: fc.Arbitrary<AuthChoice> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 6, arbitrary: fc.constant({ kind: 'bearer' as const, who: 'alice' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bearer' as const, who: 'bob' as const }) },
  { weight: 2, arbitrary: fc.boolean().map((withOrigin) => ({ kind: 'cookie' as const, withOrigin })) },
  {
    weight: 2,
    arbitrary: fc.oneof(fc.constantFrom('Bearer', 'Bearer ', 'Bearer  x', 'bearer x', 'Basic YTpi', 'Bearer ====', `Bearer ${'A'.repeat(43)}`, `Bearer ${'A'.repeat(42)}B`, `Bearer ${'A'.repeat(10_000)}`), headerText().map((text) => `Bearer ${text}`), headerText())
      .map((header) => ({ kind: 'garbage-bearer' as const, header })),
  },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('__Host-session=', '__Host-session=x', '__Host-session="a"', 'session=x', '__Host-session=a; __Host-session=b', '__Host-session=%ZZ'), headerText()).map((cookie) => ({ kind: 'garbage-cookie' as const, cookie })) },
);

/** Path segments (and query values) that must name nothing: traversal, NUL, bad escapes, very long, unicode, numbers. */
const badSegment = fc.oneof(
  fc.constantFrom('', '.', '..', '%2e%2e', '%2E.', '%00', '%', '%Z', '%ZZ', '%2F', '%5C', '..%2F..%2F', '%u0041', '%ED%A0%80', '%C0%AF', '%FF', '+', ' ', '0', '-1', '00', '01', '1e3', '1.0', '0x1',
    '999999999999999', '9999999999999999', '99999999999999999999', 'null', 'undefined', '__proto__', 'constructor', 'A'.repeat(22), 'A'.repeat(21) + 'B', 'A'.repeat(23), '/'.repeat(3), '?', '#', ';', 'a;b=c'),
  fc.constantFrom(300, 10_000).map((length) => 'A'.repeat(length)),
  longRandomText,
  integerEdgeText,
  controlText,
  unicodeEdge,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/='.split('')), minLength: 20, maxLength: 24 }),
);

export const pathChoice: fc.Arbitrary<PathChoice> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('param' as const), index: fc.nat(), value: badSegment, encode: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('foreign' as const), index: fc.nat(), who: fc.constantFrom<'bob' | 'nobody'>('bob', 'nobody') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('shape' as const),
      variant: fc.constantFrom<'trailing-slash' | 'double-slash' | 'upper-case' | 'suffix' | 'dot-segment'>('trailing-slash', 'double-slash', 'upper-case', 'suffix', 'dot-segment'),
      suffix: badSegment,
    }),
  },
);

export const queryChoice: fc.Arbitrary<QueryChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'valid' as const }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('?', '?limit=', '?limit=0', '?limit=200', '?limit=201', '?limit=-1', '?limit=1.5', '?limit=1e2', '?limit=%31', '?limit=1&limit=2', '?cursor=', '?cursor=%00', '?cursor=%ZZ',
      '?cursor=AAAA&cursor=BBBB', `?cursor=${'A'.repeat(65)}`, '?cursor=99999999999999999999', '?cursor=-5', '?cursor=1e3', '?unknown=1', '?__proto__=1', '?limit[]=1', '?%=%', '?&&&=', '?cursor=\u{1F600}').map((text) => ({ kind: 'text' as const, text })),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((text) => ({ kind: 'text' as const, text: `?${text}` })) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('param' as const), index: fc.nat(), value: badSegment, encode: fc.boolean() }) },
);

const interestingInt = fc.oneof(fc.constantFrom(0, 1, 99, 100, 199, 200, 999, 1000, 1001, 64 * 1024 ** 2, 2 ** 53, 9e15, 1e16), fc.nat({ max: 2000 }));

const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json;charset=latin1', 'APPLICATION/JSON', 'application/json;', 'application/json; =',
    'application/vnd.api+json', 'application/json-patch+json', 'text/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', '*/*', 'json'),
  headerText(),
);
const contentLength = fc.oneof(fc.constantFrom('0', '1', '-1', 'abc', '1e3', ' 5', '5 ', '+5', '0x10', '99999999999999999999', '18446744073709551616', '100, 100', '65537', '8388609'), interestingInt.map(String));
const contentRange = fc.oneof(
  fc.tuple(interestingInt, interestingInt, interestingInt).map(([start, end, total]) => `bytes ${String(start)}-${String(end)}/${String(total)}`),
  fc.constantFrom('bytes 0-99/1000', 'bytes 200-299/1000', 'bytes 100-1000/1000', 'bytes 100-199/999', 'bytes 100-99/1000', 'bytes 100-199/1001', 'bytes */1000', 'bytes 100-199/*', 'bytes=100-199/1000', 'bytes 100-199', 'BYTES 100-199/1000', 'bytes  100-199/1000', 'bytes -1-5/1000', 'bytes 100-099/1000', 'items 0-1/2'),
  headerText(),
);
const range = fc.oneof(
  fc.tuple(fc.option(interestingInt), fc.option(interestingInt)).map(([first, last]) => `bytes=${first === null ? '' : String(first)}-${last === null ? '' : String(last)}`),
  fc.constantFrom('bytes=0-9', 'bytes=10-', 'bytes=-10', 'bytes=100-', 'bytes=0-0', 'bytes=-0', 'bytes=-1', 'bytes=63-', 'bytes=64-', 'bytes=0-1,2-3', 'bytes=1-0', 'items=0-1', 'bytes=', 'bytes=-', ' bytes=0-1 ', `bytes=0-${'9'.repeat(17)}`),
  headerText(),
);

/** One header: the ones the server reads, weighted up; origin headers weighted down (they refuse early). */
const headerPair: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant('content-type'), contentType) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('content-length'), contentLength) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('content-range'), contentRange) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('range'), range) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('origin'), fc.oneof(fc.constantFrom('http://localhost', 'http://evil.test', 'null', 'https://localhost', 'http://localhost:80', 'http://LOCALHOST'), headerText())) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('sec-fetch-site'), fc.oneof(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'SAME-ORIGIN'), headerText())) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('x-test-address'), fc.oneof(fc.constantFrom('192.0.2.1', '198.51.100.7', '::1', ''), headerText())) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('accept', 'accept-encoding', 'if-none-match', 'if-range', 'x-forwarded-for', 'x-http-method-override', 'transfer-encoding', 'expect', 'connection', 'host'), headerText()) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ unit: tokenChar, minLength: 1, maxLength: 20 }), headerText(200)) },
);

export const headerChoice: fc.Arbitrary<[string, string][]> = fc.array(headerPair, { minLength: 1, maxLength: 4 });

export const methodChoice: fc.Arbitrary<string> = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'get', 'PROPFIND');

/** The route's valid request: Alice's bearer token, the seeded ids, the valid body. */
export const VALID: FuzzCase = { method: null, auth: { kind: 'bearer', who: 'alice' }, path: { kind: 'valid' }, query: { kind: 'valid' }, body: { kind: 'valid' }, headers: [] };

/**
 * The valid request with one thing changed: every refusal path is reached on its own. The change is never
 * the valid choice itself (a success may use the world up, and it costs a restore); a route that reads no
 * body gets few body cases, which it ignores, and one that reads a query gets more query cases.
 */
function oneThingWrong(readsBody: boolean, readsQuery: boolean): fc.Arbitrary<FuzzCase> {
  return fc.oneof(
    { weight: readsBody ? 5 : 1, arbitrary: bodyChoice.filter((body) => body.kind !== 'valid').map((body) => ({ ...VALID, body })) },
    { weight: 3, arbitrary: headerChoice.map((headers) => ({ ...VALID, headers })) },
    { weight: 2, arbitrary: pathChoice.filter((path) => path.kind !== 'valid').map((path) => ({ ...VALID, path })) },
    { weight: 2, arbitrary: authChoice.filter((auth) => auth.kind !== 'bearer' || auth.who !== 'alice').map((auth) => ({ ...VALID, auth })) },
    { weight: readsQuery ? 4 : 1, arbitrary: queryChoice.filter((query) => query.kind !== 'valid').map((query) => ({ ...VALID, query })) },
    { weight: 1, arbitrary: methodChoice.map((method) => ({ ...VALID, method })) },
  );
}

/** Everything generated at once. */
const everythingWrong: fc.Arbitrary<FuzzCase> = fc.record({
  method: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: methodChoice }),
  auth: authChoice,
  path: pathChoice,
  query: queryChoice,
  body: bodyChoice,
  headers: fc.array(headerPair, { maxLength: 4 }),
});

export function fuzzCaseFor(readsBody: boolean, readsQuery: boolean): fc.Arbitrary<FuzzCase> {
  return fc.oneof({ weight: 3, arbitrary: oneThingWrong(readsBody, readsQuery) }, { weight: 1, arbitrary: everythingWrong });
}

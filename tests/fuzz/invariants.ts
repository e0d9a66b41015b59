// What must hold for every fuzzed request, whatever it was: no 5xx; a refusal is { error: { code } } with
// a code of shared/errors.ts and that code's status; a refusal writes nothing (except the failure count
// of a route that checks a key); a read writes nothing but its access-history event; and no request
// without a session, or with someone else's, gets into Alice's data.
import { z } from 'zod';
import { API_ERROR_STATUS, type ApiErrorCode } from '../../shared/errors.ts';
import type { FuzzCase } from './arbitraries.ts';
import type { RouteSpec } from './route-table.ts';
import { changedParts, type Fingerprint } from './fingerprint.ts';

export interface Outcome {
  route: RouteSpec;
  fuzz: FuzzCase;
  method: string;
  target: string;
  status: number;
  /** The body as text (empty for HEAD). */
  text: string;
  before: Fingerprint;
  after: Fingerprint;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const KNOWN_STATUSES = new Set<number>(Object.values(API_ERROR_STATUS));

/** The problems with this outcome; empty when every rule holds. */
export function violations(outcome: Outcome): string[] {
  const problems: string[] = [];
  const { status, method, route, fuzz } = outcome;
  if (status >= 500) problems.push(`status ${String(status)}`);
  if (status >= 400) {
    if (!KNOWN_STATUSES.has(status)) problems.push(`status ${String(status)} is no API error status`);
    if (method !== 'HEAD') problems.push(...errorBodyProblems(outcome.text, status));
  }
  if (status >= 300 && status < 400) problems.push(`status ${String(status)}: the API never redirects`);
  const allowed = allowedChanges(outcome);
  const unexpected = allowed === 'anything' ? [] : changedParts(outcome.before, outcome.after).filter((part) => !allowed.includes(part));
  if (unexpected.length > 0) problems.push(`a ${String(status)} to ${method} changed ${unexpected.join(', ')}`);
  const bobOnAlicesIds = fuzz.auth.kind === 'bearer' && fuzz.auth.who === 'bob' && route.path.includes(':vaultId') && fuzz.path.kind === 'valid';
  const intruder = fuzz.auth.kind === 'none' || fuzz.auth.kind.startsWith('garbage') || bobOnAlicesIds;
  if (status < 400 && intruder && needsSession(route) && fuzz.method === null) problems.push(`${fuzz.auth.kind} credentials got ${String(status)}`);
  return problems;
}

/** { error: { code } } and nothing else, with a code of shared/errors.ts that maps to this status. */
const errorBodySchema = z.strictObject({ error: z.strictObject({ code: z.string() }) });

function errorBodyProblems(text: string, status: number): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`error body is not JSON: ${text.slice(0, 80)}`];
  }
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return [`error body is not { error: { code } }: ${text.slice(0, 80)}`];
  const { code } = parsed.data.error;
  if (!(code in API_ERROR_STATUS)) return [`unknown error code ${code}`];
  if (API_ERROR_STATUS[code as ApiErrorCode] !== status) return [`code ${code} with status ${String(status)}`];
  return [];
}

/** A refusal changes nothing, but a route that checks a key counts its 401s; a read logs its access. */
function allowedChanges(outcome: Outcome): string[] | 'anything' {
  const { status, method, route } = outcome;
  if (status >= 400) return status === 401 && route.countsFailures === true && method === route.method ? ['login_throttles'] : [];
  if (SAFE.has(method)) return ['access_events', 'sqlite_sequence'];
  return 'anything';
}

function needsSession(route: RouteSpec): boolean {
  return route.path.startsWith('/api/vaults') || route.path.startsWith('/api/accounts/me') || route.path === '/api/sessions/current';
}

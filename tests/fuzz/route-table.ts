// Every route of the API with a valid request for it in the seeded world: path parameters, query and
// body. The fuzzer mutates these; the coverage test checks this table against the routes the Hono app
// declares, so a new route fails that test until it is described here.
import { generateIdentity, signPublicBundle } from '../../crypto/identity.ts';
import { toBase64url } from '../../shared/binary.ts';
import { randomB64, kdfParams, signUpBody, commitBody } from '../integration/harness.ts';
import { grantListSequenceOf, manifestSequenceOf, PARTIAL_SIZE, receivedOf, settingsSequenceOf, type World } from './world.ts';

export type BodyKind = 'none' | 'json' | 'chunk';

export interface RouteSpec {
  method: string;
  /** The Hono pattern, as app.routes lists it. */
  path: string;
  params: (world: World) => Record<string, string>;
  body: BodyKind;
  /** The valid JSON body (body 'json'); some read the live state (a sequence) to build it. */
  json?: (world: World) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The valid query string, with its '?'. */
  query?: string;
  /** The route checks a key and counts a failure (login throttling): its 401 may write login_throttles. */
  countsFailures?: boolean;
  /** A success leaves the seeded world usable; otherwise the world is seeded again after it. */
  keepsWorld?: boolean;
}

const CHUNK = 100;

const vault = (world: World) => ({ vaultId: world.alice.vaultId });
const partialUpload = (world: World) => ({ ...vault(world), uploadId: world.partialUploadId });
const aDocument = (world: World) => ({ ...vault(world), documentId: world.documentId });
const aVersion = (world: World) => ({ ...aDocument(world), version: '1' });
const none = () => ({});
const aGrant = (world: World) => ({ ...vault(world), grantId: world.grantId });
const record = (world: World) => ({ vaultId: world.recordId });
const nextGrantList = async (world: World) => ({ sequence: (await grantListSequenceOf(world)) + 1, list: randomB64(100) });

async function nextManifest(world: World, vaultId = world.alice.vaultId) {
  return { sequence: (await manifestSequenceOf(world, { ...world.alice, vaultId })) + 1, manifest: randomB64(100) };
}

export const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/api/health', params: none, body: 'none' },
  { method: 'POST', path: '/api/accounts/pre-login', params: none, body: 'json', json: (w) => ({ accountId: w.alice.accountId }), keepsWorld: true },
  { method: 'POST', path: '/api/accounts', params: none, body: 'json', json: () => ({ ...signUpBody('carol@example.test') }), keepsWorld: true },
  {
    method: 'POST', path: '/api/accounts/recovery', params: none, body: 'json', countsFailures: true, keepsWorld: true,
    json: (w) => ({ accountId: w.alice.accountId, recoveryAuthKey: w.alice.recoveryAuthKey }),
  },
  {
    method: 'POST', path: '/api/accounts/recovery/reset', params: none, body: 'json', countsFailures: true,
    json: (w) => ({ accountId: w.alice.accountId, recoveryAuthKey: w.alice.recoveryAuthKey, authKey: randomB64(32), kdf: kdfParams(), wrappedPrivateBundle: randomB64(200) }),
  },
  { method: 'GET', path: '/api/accounts/me', params: none, body: 'none' },
  {
    method: 'PUT', path: '/api/accounts/me/password', params: none, body: 'json', countsFailures: true,
    json: (w) => ({ currentAuthKey: w.alice.authKey, authKey: randomB64(32), kdf: kdfParams(), wrappedPrivateBundle: randomB64(200) }),
  },
  { method: 'DELETE', path: '/api/accounts/me', params: none, body: 'json', countsFailures: true, json: (w) => ({ authKey: w.alice.authKey }) },
  {
    method: 'POST', path: '/api/sessions', params: none, body: 'json', countsFailures: true,
    json: (w) => ({ accountId: w.alice.accountId, authKey: w.alice.authKey, tokenDelivery: 'bearer' }),
  },
  { method: 'GET', path: '/api/sessions/current', params: none, body: 'none' },
  { method: 'DELETE', path: '/api/sessions/current', params: none, body: 'none' },
  { method: 'GET', path: '/api/vaults', params: none, body: 'none' },
  { method: 'GET', path: '/api/vaults/:vaultId/manifest', params: vault, body: 'none' },
  { method: 'PUT', path: '/api/vaults/:vaultId/manifest', params: vault, body: 'json', json: async (w) => ({ vaultManifest: await nextManifest(w) }), keepsWorld: true },
  { method: 'GET', path: '/api/vaults/:vaultId/history', params: vault, body: 'none', query: '?limit=10' },
  { method: 'GET', path: '/api/vaults/:vaultId/history/checkpoint', params: vault, body: 'none' },
  { method: 'PUT', path: '/api/vaults/:vaultId/history/checkpoint', params: vault, body: 'json', json: () => ({ checkpoint: randomB64(200) }) },
  { method: 'POST', path: '/api/vaults/:vaultId/uploads', params: vault, body: 'json', json: () => ({ size: 100 }), keepsWorld: true },
  { method: 'GET', path: '/api/vaults/:vaultId/uploads/:uploadId', params: partialUpload, body: 'none' },
  { method: 'PUT', path: '/api/vaults/:vaultId/uploads/:uploadId', params: partialUpload, body: 'chunk', keepsWorld: true },
  { method: 'DELETE', path: '/api/vaults/:vaultId/uploads/:uploadId', params: partialUpload, body: 'none' },
  {
    method: 'POST', path: '/api/vaults/:vaultId/uploads/:uploadId/commit', body: 'json',
    params: (w) => ({ ...vault(w), uploadId: w.completeUploadId }),
    json: async (w) => commitBody(randomB64(16), 1, (await manifestSequenceOf(w, w.alice)) + 1),
  },
  { method: 'GET', path: '/api/vaults/:vaultId/documents', params: vault, body: 'none', query: '?limit=10' },
  { method: 'GET', path: '/api/vaults/:vaultId/documents/:documentId', params: aDocument, body: 'none' },
  { method: 'GET', path: '/api/vaults/:vaultId/documents/:documentId/versions', params: aDocument, body: 'none' },
  { method: 'GET', path: '/api/vaults/:vaultId/documents/:documentId/versions/:version', params: aVersion, body: 'none' },
  { method: 'GET', path: '/api/vaults/:vaultId/documents/:documentId/versions/:version/payload', params: aVersion, body: 'none' },
  { method: 'DELETE', path: '/api/vaults/:vaultId/documents/:documentId', params: aDocument, body: 'json', json: async (w) => ({ vaultManifest: await nextManifest(w) }) },
  {
    method: 'PUT', path: '/api/accounts/me/practitioner-profile', params: none, body: 'json', keepsWorld: true,
    json: () => ({ name: 'Dr Claire Martin', profession: 'medecin-specialiste', specialty: 'cardiologie', rpps: '10000000017', place: 'Cabinet des Lilas', city: 'Lyon' }),
  },
  { method: 'GET', path: '/api/practitioners', params: none, body: 'none', query: '?q=martin%20lyon&limit=5' },
  { method: 'GET', path: '/api/practitioners/:accountId', params: (w) => ({ accountId: w.doctor.accountId }), body: 'none' },
  { method: 'GET', path: '/api/shares', params: none, body: 'none' },
  {
    method: 'POST', path: '/api/vaults/:vaultId/grants', params: vault, body: 'json',
    json: async (w) => ({
      grantId: randomB64(16), recipientAccountId: w.bob.accountId, role: 'reader', endsAt: null, recipientEnvelope: randomB64(200), ownerEnvelope: randomB64(200),
      scope: randomB64(257), list: { sequence: 1, list: randomB64(100) }, wraps: [{ documentId: w.documentId, version: 1, wrap: randomB64(73) }], vaultManifest: await nextManifest(w),
    }),
  },
  { method: 'GET', path: '/api/vaults/:vaultId/grants', params: vault, body: 'none' },
  {
    method: 'PATCH', path: '/api/vaults/:vaultId/grants/:grantId', params: aGrant, body: 'json', keepsWorld: true,
    json: async (w) => ({ list: await nextGrantList(w), wraps: [], removeDocuments: [], endsAt: null, role: 'contributor' }),
  },
  { method: 'DELETE', path: '/api/vaults/:vaultId/grants/:grantId', params: aGrant, body: 'json', json: async (w) => ({ vaultManifest: await nextManifest(w) }) },
  {
    method: 'POST', path: '/api/vaults/:vaultId/uploads/:uploadId/contribute', body: 'json',
    params: (w) => ({ vaultId: w.doctor.vaultId, uploadId: w.contributionUploadId }),
    json: () => ({ documentId: randomB64(16), metadata: randomB64(100), manifest: randomB64(100), envelopes: [randomB64(200)] }),
  },
  { method: 'GET', path: '/api/vaults/:vaultId/contributions', params: vault, body: 'none' },
  {
    method: 'POST', path: '/api/vaults/:vaultId/contributions/:documentId/accept', body: 'json',
    params: (w) => ({ ...vault(w), documentId: w.contributionId }), json: async (w) => ({ vaultManifest: await nextManifest(w) }),
  },
  { method: 'DELETE', path: '/api/vaults/:vaultId/contributions/:documentId', params: (w) => ({ ...vault(w), documentId: w.contributionId }), body: 'none' },
  { method: 'GET', path: '/api/vaults/:vaultId/settings', params: vault, body: 'none' },
  {
    method: 'PUT', path: '/api/vaults/:vaultId/settings', params: vault, body: 'json',
    json: async (w) => ({ sequence: (await settingsSequenceOf(w)) + 1, settings: randomB64(281) }),
  },
  {
    method: 'POST', path: '/api/vaults', params: none, body: 'json', keepsWorld: true,
    json: (w) => newRecordBody(w.server.clock.now),
  },
  { method: 'POST', path: '/api/vaults/:vaultId/invites', params: record, body: 'json', keepsWorld: true, json: (w) => ({ inviteId: randomB64(16), expiresAt: w.server.clock.now + 60_000 }) },
  { method: 'GET', path: '/api/vaults/:vaultId/invites', params: record, body: 'none' },
  { method: 'DELETE', path: '/api/vaults/:vaultId/invites/:inviteId', params: (w) => ({ ...record(w), inviteId: w.openInviteId }), body: 'none' },
  { method: 'POST', path: '/api/invites/:inviteId/accept', params: (w) => ({ inviteId: w.doctorInviteId }), body: 'json', json: () => ({ proof: randomB64(32) }) },
  {
    method: 'POST', path: '/api/vaults/:vaultId/managers', params: record, body: 'json',
    json: async (w) => ({
      inviteId: w.acceptedInviteId, accountId: w.bob.accountId, envelope: randomB64(200), startsAt: null, endsAt: null, vaultManifest: await nextManifest(w, w.recordId),
    }),
  },
  { method: 'GET', path: '/api/vaults/:vaultId/managers', params: record, body: 'none' },
  {
    method: 'DELETE', path: '/api/vaults/:vaultId/managers/:accountId', body: 'json',
    params: (w) => ({ ...record(w), accountId: w.alice.accountId }),
    json: async (w) => ({ vaultManifest: await nextManifest(w, w.recordId) }),
  },
];

/** A new record: a fresh 'vault' identity whose bundle names the new id. */
function newRecordBody(now: number) {
  const vaultId = randomB64(16);
  const publicBundle = toBase64url(signPublicBundle(generateIdentity(), { accountId: vaultId, role: 'vault', createdAt: now }));
  return { vaultId, publicBundle, managerEnvelope: randomB64(200), label: randomB64(100), vaultManifest: { sequence: 1, manifest: randomB64(100) } };
}

/** The valid chunk for the partial upload: the next CHUNK bytes at its current offset. */
export async function validChunk(world: World): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentRange: string }> {
  const start = await receivedOf(world, world.partialUploadId);
  const end = Math.min(start + CHUNK, PARTIAL_SIZE) - 1;
  return { bytes: new Uint8Array(Math.max(0, end - start + 1)), contentRange: `bytes ${String(start)}-${String(end)}/${String(PARTIAL_SIZE)}` };
}

export function routeKey(route: { method: string; path: string }): string {
  return `${route.method} ${route.path}`;
}

/** The concrete path of a route with these parameter values (inserted as given: the caller encodes). */
export function fillPath(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_match, name: string) => values[name] ?? '');
}

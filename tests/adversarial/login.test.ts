// The server attacks the account itself (ATK-01, ATK-02, ATK-24, ATK-25, ATK-27, ATK-28): it mauls or swaps the
// wrapped key bundle, slips in data to decrypt and echo, pushes an escrow key at recovery, lowers the KDF
// parameters, or tells known ids from unknown ones. Each test checks the exact error AND what the client
// sent after it: nothing derived from keys it could not verify.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logIn, signUp } from '../../client/core/account.ts';
import { changePassword, deleteAccount, recoverAccount } from '../../client/core/account-recovery.ts';
import { DEFAULT_KDF, deriveAccountKeys } from '../../crypto/password.ts';
import { fromBase64url, toBase64url } from '../../shared/binary.ts';
import { editBase64Field, editJson, editRequestJson, flipBit, type RecordedResponse } from './tamper.ts';
import { failureCode, newPerson, openWorld, PASSWORD, type Person, type World } from './world.ts';

const PRE_LOGIN = /^\/api\/accounts\/pre-login$/;
const SESSIONS = /^\/api\/sessions$/;
const RECOVERY = /^\/api\/accounts\/recovery$/;
const LOGIN_CALLS = ['POST /api/accounts/pre-login', 'POST /api/sessions'];

let world: World;
let alice: Person;
/** What the server stores for alice and bob, as a malicious server would serve it. */
let stored: Record<string, { wrapped: Uint8Array; recoveryWrapped: Uint8Array; publicBundle: Uint8Array }>;
/** The auth key alice's client sent at her honest login, and her sign-up request. */
let aliceAuthKey: string;
let aliceSignUp: Record<string, unknown>;

beforeAll(async () => {
  world = await openWorld();
  alice = await newPerson(world, 'alice@example.org');
  const login = world.tamper.sent.find((request) => request.path === '/api/sessions');
  aliceAuthKey = (JSON.parse(String(login?.body)) as { authKey: string }).authKey;
  const signUpRequest = world.tamper.sent.find((request) => request.path === '/api/accounts');
  aliceSignUp = JSON.parse(String(signUpRequest?.body)) as Record<string, unknown>;
  await newPerson(world, 'bob@example.org');
  const { read, tables: { accounts } } = world.server.state.storage;
  const rows = await read.select({
    id: accounts.id, wrapped: accounts.wrappedPrivateBundle, recoveryWrapped: accounts.recoveryWrappedPrivateBundle, publicBundle: accounts.publicBundle,
  }).from(accounts);
  stored = Object.fromEntries(rows.map((row) => [row.id, row]));
});

afterAll(() => world.close());
beforeEach(() => { world.tamper.reset(); });

/** alice's accounts row, every column, as the server stores it. */
function aliceStored() {
  const { read, tables: { accounts } } = world.server.state.storage;
  return read.select().from(accounts).where(eq(accounts.id, 'alice@example.org'));
}

function bobs(field: 'wrapped' | 'recoveryWrapped' | 'publicBundle'): () => Uint8Array {
  return () => (stored['bob@example.org']?.[field] ?? new Uint8Array(0)).slice();
}

function alices(field: 'wrapped' | 'recoveryWrapped' | 'publicBundle'): () => Uint8Array {
  return () => (stored['alice@example.org']?.[field] ?? new Uint8Array(0)).slice();
}

function json(response: RecordedResponse): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(response.body)) as Record<string, unknown>;
}

describe('ATK-01 key bundle at login', () => {
  it('ATK-01 a mauled wrapped bundle (a flipped tag bit, another format version) is KEY_BUNDLE_INVALID; no key is used', async () => {
    for (const [name, edit] of [['flip tag', (bytes: Uint8Array) => flipBit(bytes, -1)], ['version 2', (bytes: Uint8Array) => flipBit(bytes, 1, 1)]] as const) {
      world.tamper.use(editBase64Field(name, SESSIONS, 'account.wrappedPrivateBundle', edit, 'POST'));
      const client = world.api();
      expect(await failureCode(logIn(client, 'alice@example.org', PASSWORD))).toBe('KEY_BUNDLE_INVALID');
      expect(world.tamper.fired).toEqual([name]);
      // Nothing after the login answer: not even the vault list, which needs an unlocked account; and the
      // client keeps no session token to send anything with.
      expect(world.tamper.calls()).toEqual(LOGIN_CALLS);
      expect(client.token).toBeUndefined();
    }
  });

  it('ATK-01 another user’s wrapped bundle, or alice’s recovery wrap in place of her password wrap, is KEY_BUNDLE_INVALID', async () => {
    for (const [name, bytes] of [['bob’s bundle', bobs('wrapped')], ['recovery wrap', alices('recoveryWrapped')]] as const) {
      world.tamper.use(editBase64Field(name, SESSIONS, 'account.wrappedPrivateBundle', bytes, 'POST'));
      expect(await failureCode(logIn(world.api(), 'alice@example.org', PASSWORD))).toBe('KEY_BUNDLE_INVALID');
      expect(world.tamper.fired).toEqual([name]);
      expect(world.tamper.calls()).toEqual(LOGIN_CALLS);
    }
  });

  it('ATK-01 another user’s public bundle beside alice’s own private bundle is KEY_BUNDLE_INVALID (no envelope could target it)', async () => {
    world.tamper.use(editBase64Field('bob’s public bundle', SESSIONS, 'account.publicBundle', bobs('publicBundle'), 'POST'));
    expect(await failureCode(logIn(world.api(), 'alice@example.org', PASSWORD))).toBe('KEY_BUNDLE_INVALID');
    expect(world.tamper.fired).toEqual(['bob’s public bundle']);
    expect(world.tamper.calls()).toEqual(LOGIN_CALLS);
  });
});

describe('ATK-02 nothing server-chosen is decrypted and echoed', () => {
  it('ATK-02 a "challenge" added to pre-login is BAD_RESPONSE before any hashing; nothing is sent back', async () => {
    world.tamper.use(editJson('challenge', PRE_LOGIN, (body) => { body.challenge = toBase64url(alices('wrapped')()); }, 'POST'));
    expect(await failureCode(logIn(world.api(), 'alice@example.org', PASSWORD))).toBe('BAD_RESPONSE');
    expect(world.tamper.calls()).toEqual(['POST /api/accounts/pre-login']);
  });

  it('ATK-02 the login sends exactly the HKDF auth key of password and parameters; a challenge in the answer is refused unread', async () => {
    world.tamper.use(editJson('challenge', SESSIONS, (body) => { body.challenge = toBase64url(alices('wrapped')()); }, 'POST'));
    expect(await failureCode(logIn(world.api(), 'alice@example.org', PASSWORD))).toBe('BAD_RESPONSE');
    expect(world.tamper.fired).toEqual(['challenge']);
    expect(world.tamper.calls()).toEqual(LOGIN_CALLS);
    const sent = JSON.parse(String(world.tamper.sent[1]?.body)) as Record<string, unknown>;
    expect(Object.keys(sent).sort()).toEqual(['accountId', 'authKey', 'tokenDelivery']);
    const [row] = await aliceStored();
    const keys = await deriveAccountKeys(PASSWORD, { ...DEFAULT_KDF, salt: new Uint8Array(row?.kdfSalt ?? []) });
    expect(sent.authKey).toBe(toBase64url(keys.authKey));
    expect(sent.authKey).toBe(aliceAuthKey);
    expect(JSON.stringify(world.tamper.sent)).not.toContain(toBase64url(keys.keyEncryptionKey));
  });
});

describe('ATK-24 recovery', () => {
  const recover = () => recoverAccount(world.api(), 'alice@example.org', alice.recoveryWords.join(' '), 'un tout nouveau mot de passe');

  it('ATK-24 a "recovery public key" pushed in the recovery answer is BAD_RESPONSE; nothing is wrapped for it, no reset is sent', async () => {
    world.tamper.use(editJson('escrow key', RECOVERY, (body) => { body.recoveryPublicKey = toBase64url(bobs('publicBundle')()); }, 'POST'));
    expect(await failureCode(recover())).toBe('BAD_RESPONSE');
    expect(world.tamper.calls()).toEqual(['POST /api/accounts/recovery']);
  });

  it('ATK-24 another user’s recovery bundle, the password wrap, or another public bundle is KEY_BUNDLE_INVALID; no reset is sent', async () => {
    const swaps = [
      ['bob’s recovery bundle', 'recoveryWrappedPrivateBundle', bobs('recoveryWrapped')],
      ['password wrap', 'recoveryWrappedPrivateBundle', alices('wrapped')],
      ['flipped recovery bundle', 'recoveryWrappedPrivateBundle', () => flipBit(alices('recoveryWrapped')(), 40)],
      ['bob’s public bundle', 'publicBundle', bobs('publicBundle')],
    ] as const;
    for (const [name, field, bytes] of swaps) {
      world.tamper.use(editBase64Field(name, RECOVERY, field, bytes, 'POST'));
      expect(await failureCode(recover()), name).toBe('KEY_BUNDLE_INVALID');
      expect(world.tamper.fired).toEqual([name]);
      expect(world.tamper.calls()).toEqual(['POST /api/accounts/recovery']);
    }
  });
});

describe('ATK-25 KDF parameters at pre-login', () => {
  it('ATK-25 weak or costly parameters abort logIn before any auth value is sent', async () => {
    const cases = [
      [{ memoryKiB: 1024 }, 'KDF_PARAMS_TOO_WEAK'],
      [{ iterations: 2 }, 'KDF_PARAMS_TOO_WEAK'],
      [{ parallelism: 4 }, 'KDF_PARAMS_TOO_WEAK'],
      [{ memoryKiB: 4_194_304 }, 'KDF_PARAMS_TOO_COSTLY'],
      [{ iterations: 1000 }, 'KDF_PARAMS_TOO_COSTLY'],
    ] as const;
    for (const [change, code] of cases) {
      world.tamper.use(editJson('weaken', PRE_LOGIN, (body) => { Object.assign(body.kdf as object, change); }, 'POST'));
      expect(await failureCode(logIn(world.api(), 'alice@example.org', PASSWORD))).toBe(code);
      expect(world.tamper.fired).toEqual(['weaken']);
      expect(world.tamper.calls()).toEqual(['POST /api/accounts/pre-login']);
    }
  });

  it('ATK-25 weak parameters abort a password change and an account deletion before the current auth key is sent', async () => {
    world.tamper.use(editJson('weaken', PRE_LOGIN, (body) => { Object.assign(body.kdf as object, { memoryKiB: 8192 }); }, 'POST'));
    expect(await failureCode(changePassword(world.api(alice), alice.account, PASSWORD, 'autre mot de passe solide'))).toBe('KDF_PARAMS_TOO_WEAK');
    expect(await failureCode(deleteAccount(world.api(alice), alice.accountId, PASSWORD))).toBe('KDF_PARAMS_TOO_WEAK');
    expect(world.tamper.calls()).toEqual(['POST /api/accounts/pre-login', 'POST /api/accounts/pre-login']);
  });

  it('ATK-25 parameters changed within bounds give a key that opens nothing: the bundle binds its parameters (KEY_BUNDLE_INVALID)', async () => {
    // The server asks for t = 4 instead of 3, then lets the login through with the auth key it saw before.
    world.tamper.use(
      editJson('t = 4', PRE_LOGIN, (body) => { Object.assign(body.kdf as object, { iterations: 4 }); }, 'POST'),
      editRequestJson('replace auth key', 'POST', SESSIONS, (body) => {
        expect(body.authKey).not.toBe(aliceAuthKey);
        body.authKey = aliceAuthKey;
      }),
    );
    expect(await failureCode(logIn(world.api(), 'alice@example.org', PASSWORD))).toBe('KEY_BUNDLE_INVALID');
    expect(world.tamper.fired).toEqual(['t = 4', 'replace auth key']);
    expect(world.tamper.calls()).toEqual(LOGIN_CALLS);
  });
});

describe('ATK-28 account enumeration', () => {
  it('ATK-28 pre-login and login for an unknown id look exactly like a known id with a wrong password', async () => {
    world.tamper.record('known', 'POST', PRE_LOGIN);
    const known = await failureCode(logIn(world.api(), 'alice@example.org', 'pas le bon mot de passe'));
    const knownCalls = world.tamper.calls();
    world.tamper.reset();
    world.tamper.record('unknown', 'POST', PRE_LOGIN);
    world.tamper.record('unknown again', 'POST', PRE_LOGIN);
    const unknown = await failureCode(logIn(world.api(), 'nobody@example.org', PASSWORD));
    expect([known, unknown]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(world.tamper.calls()).toEqual(knownCalls);
    // Asked again (the answer is recorded as the server sent it, then cut short to spare an Argon2id run).
    world.tamper.use(editJson('stop after pre-login', PRE_LOGIN, (body) => { Object.assign(body.kdf as object, { memoryKiB: 1 }); }, 'POST'));
    expect(await failureCode(logIn(world.api(), 'nobody@example.org', PASSWORD))).toBe('KDF_PARAMS_TOO_WEAK');
    const answers = ['known', 'unknown', 'unknown again'].map((name) => world.tamper.recorded(name));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const [knownKdf, unknownKdf, againKdf] = answers.map((answer) => json(answer).kdf as Record<string, unknown>);
    const withoutSalt = (kdf: Record<string, unknown> | undefined) => ({ ...kdf, salt: undefined });
    expect(withoutSalt(unknownKdf)).toEqual(withoutSalt(knownKdf));
    expect(Object.keys(json(answers[1] as RecordedResponse))).toEqual(Object.keys(json(answers[0] as RecordedResponse)));
    expect(fromBase64url(String(unknownKdf?.salt))).toHaveLength(16);
    expect(unknownKdf?.salt).toBe(againKdf?.salt);
    expect(unknownKdf?.salt).not.toBe(knownKdf?.salt);
  });
});

describe('ATK-27 offline guessing from what the server stores', () => {
  it('ATK-27 sign-up sends Argon2id parameters at the floor or above and an auth key the server keeps only as a salted hash', async () => {
    expect(aliceSignUp.kdf).toMatchObject({ algorithm: 'argon2id13', memoryKiB: DEFAULT_KDF.memoryKiB, iterations: DEFAULT_KDF.iterations, parallelism: 1 });
    expect(aliceSignUp.authKey).toBe(aliceAuthKey);
    const authKey = Buffer.from(fromBase64url(aliceAuthKey));
    const recoveryAuthKey = Buffer.from(fromBase64url(String(aliceSignUp.recoveryAuthKey)));
    const [row] = await aliceStored();
    if (row === undefined) throw new Error('alice is not stored');
    const stored = Object.values(row).filter((value): value is Buffer => value instanceof Uint8Array).map((value) => Buffer.from(value));
    expect(stored.length).toBeGreaterThanOrEqual(6);
    for (const value of stored) {
      expect(value.includes(authKey)).toBe(false);
      expect(value.includes(recoveryAuthKey)).toBe(false);
    }
    expect(Buffer.from(row.authKeyHash)).toHaveLength(32);
  });

  it('ATK-27 a common, short or id-based password is refused before anything is derived or sent, at sign-up, change and recovery', async () => {
    const words = alice.recoveryWords.join(' ');
    for (const weak of ['motdepasse123', 'azertyuiop123', 'court']) {
      world.tamper.reset();
      expect(await failureCode(signUp(world.api(), 'carol@example.org', weak))).toBe('PASSWORD_TOO_WEAK');
      expect(await failureCode(changePassword(world.api(alice), alice.account, PASSWORD, weak))).toBe('PASSWORD_TOO_WEAK');
      expect(await failureCode(recoverAccount(world.api(), 'alice@example.org', words, weak))).toBe('PASSWORD_TOO_WEAK');
      expect(world.tamper.calls()).toEqual([]);
    }
    world.tamper.reset();
    expect(await failureCode(signUp(world.api(), 'carol@example.org', 'carol@example.org2024'))).toBe('PASSWORD_TOO_WEAK');
    expect(await failureCode(changePassword(world.api(alice), alice.account, PASSWORD, 'alice@example.org2024'))).toBe('PASSWORD_TOO_WEAK');
    expect(await failureCode(recoverAccount(world.api(), 'alice@example.org', words, 'alice@example.org2024'))).toBe('PASSWORD_TOO_WEAK');
    expect(world.tamper.calls()).toEqual([]);
  });
});

// Interoperability of crypto/age with two independent implementations: the `age` command-line tool
// (Debian's age 1.1.1, Go: X25519 and scrypt only) and the `age-encryption` npm package (typage 0.3.1,
// hybrid post-quantum recipients included). Files go both ways, plain and armored.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as typage from 'age-encryption';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decryptAgeBytes,
  encryptAgeBytes,
  exportToAge,
  generateHybridIdentity,
  generateX25519Identity,
  identityToRecipient,
  parseIdentity,
  parseRecipient,
} from '../../crypto/age/index.ts';
import { bytesToStream, collectBytes } from '../../crypto/age/io.ts';

const AGE = '/usr/bin/age';
const AGE_KEYGEN = '/usr/bin/age-keygen';
const dir = mkdtempSync(join(tmpdir(), 'age-interop-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const SIZES = [0, 1, 64 * 1024, 64 * 1024 + 1, 1024 * 1024 + 7];
let fileCounter = 0;
const path = (name: string): string => join(dir, `${fileCounter++}-${name}`);

function writeKeyFile(identity: string): string {
  const file = path('key.txt');
  writeFileSync(file, `# public key: ${identityToRecipient(identity)}\n${identity}\n`);
  return file;
}

function ageDecrypt(file: Uint8Array, keyFile: string): Buffer {
  const input = path('in.age');
  writeFileSync(input, file);
  return execFileSync(AGE, ['-d', '-i', keyFile, input], { maxBuffer: 64 * 1024 * 1024 });
}

function ageEncrypt(plaintext: Uint8Array, args: string[]): Buffer {
  const input = path('plain');
  writeFileSync(input, plaintext);
  return execFileSync(AGE, [...args, input], { maxBuffer: 64 * 1024 * 1024 });
}

// The CLI reads passphrases from /dev/tty only; util-linux `script` gives it a pseudo-terminal.
function withTty(command: string, lines: string[]): { status: number | null } {
  const feed = lines.map((line) => `printf '%s\\n' '${line}'`).join('; sleep 1; ');
  // The trailing sleep keeps stdin open while age works: `script` may end the session at end of input.
  return spawnSync('sh', ['-c', `(sleep 0.5; ${feed}; sleep 3) | script -qec "${command}" /dev/null`], { timeout: 60_000 });
}

describe('age CLI 1.1.1 decrypts what we encrypt', () => {
  const identity = generateX25519Identity();
  const keyFile = writeKeyFile(identity);
  const recipient = parseRecipient(identityToRecipient(identity));

  it.each(SIZES)('X25519, %i bytes, binary and armored', async (size) => {
    const plaintext = randomBytes(size);
    const file = await encryptAgeBytes(plaintext, [recipient]);
    expect(ageDecrypt(file, keyFile).equals(plaintext)).toBe(true);
    const armored = await encryptAgeBytes(plaintext, [recipient], { armor: true });
    expect(Buffer.from(armored).toString('latin1')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    expect(ageDecrypt(armored, keyFile).equals(plaintext)).toBe(true);
  });

  it('the Export helper makes a file the CLI opens (two recipients, either key works)', async () => {
    const other = generateX25519Identity();
    const plaintext = randomBytes(200_000);
    const file = await collectBytes(exportToAge(bytesToStream(plaintext, 10_000), identityToRecipient(identity)));
    expect(ageDecrypt(file, keyFile).equals(plaintext)).toBe(true);
    const both = await encryptAgeBytes(plaintext, [recipient, parseRecipient(identityToRecipient(other))]);
    expect(ageDecrypt(both, writeKeyFile(other)).equals(plaintext)).toBe(true);
  });

  it('passphrase (scrypt) files, through a pseudo-terminal', async () => {
    const plaintext = randomBytes(70_000);
    const input = path('scrypt.age');
    const output = path('scrypt.out');
    writeFileSync(input, await encryptAgeBytes(plaintext, [{ type: 'scrypt', passphrase: 'correct horse', workFactor: 12 }]));
    expect(withTty(`${AGE} -d -o ${output} ${input}`, ['correct horse']).status).toBe(0);
    expect(readFileSync(output).equals(plaintext)).toBe(true);
  });
});

describe('we decrypt what age CLI 1.1.1 encrypts', () => {
  const keyFile = path('cli-key.txt');
  execFileSync(AGE_KEYGEN, ['-o', keyFile], { stdio: 'pipe' });
  const keyText = readFileSync(keyFile, 'utf8');
  const identity = keyText.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-1'))!;
  const publicKey = /# public key: (age1\S+)/.exec(keyText)![1]!;

  it('age-keygen identities parse, and give the recipient age-keygen printed', () => {
    expect(identityToRecipient(identity)).toBe(publicKey);
  });

  it.each(SIZES)('X25519, %i bytes, binary and armored', async (size) => {
    const plaintext = randomBytes(size);
    const ids = [parseIdentity(identity)];
    expect(Buffer.from(await decryptAgeBytes(ageEncrypt(plaintext, ['-r', publicKey]), ids)).equals(plaintext)).toBe(true);
    const armored = ageEncrypt(plaintext, ['-a', '-r', publicKey]);
    expect(Buffer.from(await decryptAgeBytes(armored, ids, { armor: true })).equals(plaintext)).toBe(true);
  });

  it('passphrase (scrypt, work factor 18) files, through a pseudo-terminal', async () => {
    const plaintext = randomBytes(1000);
    const input = path('plain');
    const output = path('cli-scrypt.age');
    writeFileSync(input, plaintext);
    expect(withTty(`${AGE} -p -o ${output} ${input}`, ['hunter2 hunter2', 'hunter2 hunter2']).status).toBe(0);
    const file = readFileSync(output);
    expect(file.toString('latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt \S+ 18\n/);
    const decrypted = await decryptAgeBytes(file, [{ type: 'scrypt', passphrase: 'hunter2 hunter2' }]);
    expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);
  });
});

describe('cross-check with the age-encryption package (typage 0.3.1)', () => {
  it('derives the same recipients from identities, X25519 and hybrid', async () => {
    for (const identity of [generateX25519Identity(), generateHybridIdentity(), await typage.generateHybridIdentity()]) {
      expect(identityToRecipient(identity)).toBe(await typage.identityToRecipient(identity));
    }
  });

  it.each(SIZES)('X25519 and hybrid, %i bytes, both directions', async (size) => {
    const plaintext = randomBytes(size);
    for (const identity of [generateX25519Identity(), generateHybridIdentity()]) {
      const theirs = new typage.Encrypter();
      theirs.addRecipient(identityToRecipient(identity));
      const decrypted = await decryptAgeBytes(await theirs.encrypt(plaintext), [parseIdentity(identity)]);
      expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);

      const ours = await encryptAgeBytes(plaintext, [parseRecipient(identityToRecipient(identity))]);
      const decrypter = new typage.Decrypter();
      decrypter.addIdentity(identity);
      expect(Buffer.from(await decrypter.decrypt(ours)).equals(plaintext)).toBe(true);
    }
  });

  it('armor and scrypt, both directions', async () => {
    const plaintext = randomBytes(100_000);
    const theirs = new typage.Encrypter();
    theirs.setPassphrase('pass phrase');
    theirs.setScryptWorkFactor(10);
    const armored = typage.armor.encode(await theirs.encrypt(plaintext));
    const decrypted = await decryptAgeBytes(new TextEncoder().encode(armored), [{ type: 'scrypt', passphrase: 'pass phrase' }], { armor: true });
    expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);

    const ours = await encryptAgeBytes(plaintext, [{ type: 'scrypt', passphrase: 'pass phrase', workFactor: 10 }], { armor: true });
    const decrypter = new typage.Decrypter();
    decrypter.addPassphrase('pass phrase');
    const file = typage.armor.decode(new TextDecoder().decode(ours));
    expect(Buffer.from(await decrypter.decrypt(file)).equals(plaintext)).toBe(true);
  });
});

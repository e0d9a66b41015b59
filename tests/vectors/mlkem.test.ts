// ML-KEM-768 (FIPS 203) through crypto/mlkem.ts: Wycheproof keygen-from-seed, encapsulation (invalid
// keys refused: wrong length is a RangeError, a coefficient >= q is KEY_INVALID), decapsulation
// (implicit rejection returns K, never an error) and semi-expanded decapsulation; then the CCTV files:
// all 780 modulus-check keys, the strcmp vector and the "unlucky sampling" vector (a FIPS 203 ipd vector:
// see its test).
import { gunzipSync } from 'node:zlib';
import { sha3_512 } from '@noble/hashes/sha3.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { isCryptoError } from '../../crypto/errors.ts';
import {
  MLKEM768_PUBLIC_KEY_BYTES,
  mlkem768Decapsulate,
  mlkem768Encapsulate,
  mlkem768Keygen,
  mlkem768PublicKey,
} from '../../crypto/mlkem.ts';
import {
  describeFailure,
  hex,
  loadWycheproof,
  parseCctvAssignments,
  readVectorBytes,
  readVectorText,
  toHex,
  type WycheproofFile,
  type WycheproofTest,
} from './vector-files.ts';

interface KeygenTest extends WycheproofTest { seed: string; ek: string; dk: string }
interface EncapsTest extends WycheproofTest { ek: string; m: string; c: string; K: string }
interface DecapsTest extends WycheproofTest { seed: string; ek?: string; c: string; K: string }
interface SemiExpandedTest extends WycheproofTest { dk: string; ek: string; c: string; K?: string }

type MlkemFile<T> = WycheproofFile<{ parameterSet: string; tests: T[] }>;

function runAll<T extends WycheproofTest>(vectors: MlkemFile<T>, check: (test: T) => string | null): void {
  const failures: string[] = [];
  let run = 0;
  for (const group of vectors.testGroups) {
    expect(group.parameterSet).toBe('ML-KEM-768');
    for (const test of group.tests) {
      run += 1;
      const failure = check(test);
      if (failure !== null) failures.push(failure);
    }
  }
  expect(failures).toEqual([]);
  expect(run).toBe(vectors.numberOfTests);
}

/** The error a refused input must raise: RangeError for a wrong length, KEY_INVALID for bad content. */
function refusal(operation: () => unknown, wrongLength: boolean): string | null {
  try {
    operation();
    return 'accepted';
  } catch (error) {
    const expected = wrongLength ? error instanceof RangeError : isCryptoError(error, 'KEY_INVALID');
    return expected ? null : `wrong error ${String(error)}`;
  }
}

function checkEncaps(test: EncapsTest): string | null {
  const ek = hex(test.ek);
  if (test.result === 'invalid') {
    const problem = refusal(() => mlkem768Encapsulate(ek, hex(test.m)), ek.length !== MLKEM768_PUBLIC_KEY_BYTES);
    return problem === null ? null : describeFailure(test, problem);
  }
  const { cipherText, sharedSecret } = mlkem768Encapsulate(ek, hex(test.m));
  const ok = toHex(cipherText) === test.c && toHex(sharedSecret) === test.K;
  return ok ? null : describeFailure(test, 'wrong c or K');
}

function checkDecaps(test: DecapsTest): string | null {
  const seed = hex(test.seed);
  const c = hex(test.c);
  if (test.result === 'invalid') {
    const problem = refusal(() => mlkem768Decapsulate(mlkem768Keygen(seed).secretKey, c), true);
    return problem === null ? null : describeFailure(test, problem);
  }
  const { publicKey, secretKey } = mlkem768Keygen(seed);
  if (test.ek !== undefined && toHex(publicKey) !== test.ek) return describeFailure(test, 'wrong ek');
  return toHex(mlkem768Decapsulate(secretKey, c)) === test.K ? null : describeFailure(test, 'wrong K');
}

function checkSemiExpanded(test: SemiExpandedTest): string | null {
  const [dk, c] = [hex(test.dk), hex(test.c)];
  if (test.result === 'invalid') {
    const wrongLength = !(test.flags ?? []).includes('InvalidDecapsulationKey');
    const problem = refusal(() => mlkem768Decapsulate(dk, c), wrongLength);
    return problem === null ? null : describeFailure(test, problem);
  }
  const ok = toHex(mlkem768Decapsulate(dk, c)) === test.K && toHex(mlkem768PublicKey(dk)) === test.ek;
  return ok ? null : describeFailure(test, 'wrong K or embedded ek');
}

describe('Wycheproof ML-KEM-768', () => {
  it('derives every (ek, dk) from its seed', () => {
    runAll(loadWycheproof<{ parameterSet: string; tests: KeygenTest[] }>('mlkem_768_keygen_seed_test.json'), (test) => {
      const { publicKey, secretKey } = mlkem768Keygen(hex(test.seed));
      const ok = toHex(publicKey) === test.ek && toHex(secretKey) === test.dk;
      return ok ? null : describeFailure(test, 'wrong ek or dk');
    });
  });

  it('ATK-35 encapsulates to every valid key and refuses every invalid one (length, modulus check)', () => {
    runAll(loadWycheproof<{ parameterSet: string; tests: EncapsTest[] }>('mlkem_768_encaps_test.json'), checkEncaps);
  });

  it('decapsulates every valid ciphertext, returning the implicit-rejection K for altered ones', () => {
    runAll(loadWycheproof<{ parameterSet: string; tests: DecapsTest[] }>('mlkem_768_test.json'), checkDecaps);
  });

  it('ATK-35 decapsulates with expanded keys and refuses corrupted ones', () => {
    runAll(loadWycheproof<{ parameterSet: string; tests: SemiExpandedTest[] }>('mlkem_768_semi_expanded_decaps_test.json'), checkSemiExpanded);
  });
});

describe('CCTV ML-KEM-768', () => {
  it('ATK-35 refuses all 780 encapsulation keys with a coefficient >= q (KEY_INVALID)', () => {
    const text = new TextDecoder().decode(gunzipSync(readVectorBytes('cctv-mlkem/modulus/ML-KEM-768.txt.gz')));
    const keys = text.split('\n').filter((line) => line.length > 0);
    expect(keys.length).toBe(780);
    const accepted = keys.filter((key) => refusal(() => mlkem768Encapsulate(hex(key)), false) !== null);
    expect(accepted).toEqual([]);
  });

  it('decapsulates the strcmp vector to K', () => {
    const values = parseCctvAssignments(readVectorText('cctv-mlkem/strcmp/ML-KEM-768.txt'));
    const K = mlkem768Decapsulate(hex(values.get('dk') ?? ''), hex(values.get('c') ?? ''));
    expect(toHex(K)).toBe(values.get('K'));
  });

  // This vector predates final FIPS 203: its ek was made with the ipd KeyGen, (rho, sigma) = G(d), where
  // the final standard hashes G(d || k). So we check that provenance, then run Encaps/Decaps on the given
  // ek/dk: the unlucky matrix comes from rho, which Encaps and Decaps both re-sample.
  it('runs the unlucky-sampling vector (SampleNTT needs > 575 XOF bytes) through Encaps and Decaps', () => {
    const values = parseCctvAssignments(readVectorText('cctv-mlkem/unluckysample/ML-KEM-768.txt'));
    const get = (name: string): Uint8Array => hex(values.get(name) ?? '');
    const [ek, dk] = [get('ek'), get('dk')];
    expect(toHex(sha3_512(get('d')).subarray(0, 32))).toBe(toHex(ek.subarray(1152)));
    expect(toHex(mlkem768Keygen(concatBytes(get('d'), get('z'))).publicKey)).not.toBe(toHex(ek));
    expect(toHex(mlkem768PublicKey(dk))).toBe(toHex(ek));
    const { cipherText, sharedSecret } = mlkem768Encapsulate(ek, get('m'));
    expect(toHex(cipherText)).toBe(toHex(get('c')));
    expect(toHex(sharedSecret)).toBe(toHex(get('K')));
    expect(toHex(mlkem768Decapsulate(dk, cipherText))).toBe(toHex(get('K')));
  });
});

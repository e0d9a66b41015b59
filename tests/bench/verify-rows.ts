// Rows for one Ed25519 verification measurement (Node or Chromium): signatures per second per library,
// and the time 10,000 of them take (extrapolated linearly when fewer were verified).

import type { VerifyTimings } from './signature-ops.ts';
import type { Results } from './table.ts';
import { opsPerSecond } from './timing.ts';

export const BASE_ED25519 = 'node:crypto Ed25519 verify';
const TARGET_COUNT = 10_000;

export function addVerifyRows(results: Results, section: string, t: VerifyTimings): void {
  const libraries: readonly [string, number, number][] = [
    ['ed25519Verify, libsodium path (ours)', t.libsodiumMs, t.count],
    ['ed25519Verify, noble path (ours)', t.nobleMs, t.nobleCount],
    [`ed25519VerifyManyAsync, ${t.batchImplementation} (ours)`, t.batchMs, t.count],
    ['raw WebCrypto Ed25519 (all in flight)', t.webCryptoMs, t.count],
  ];
  for (const [label, ms, count] of libraries) {
    const perSecond = opsPerSecond(count, ms);
    const measured = count === TARGET_COUNT ? 'measured' : `extrapolated from ${count.toLocaleString('en-US')}`;
    results.add({ section, operation: `Ed25519 verify, ${label}`, value: perSecond, unit: 'ops/s', against: [BASE_ED25519], note: `${count.toLocaleString('en-US')} signatures, results checked` });
    results.add({ section, operation: `  time for 10,000 verifications`, value: (TARGET_COUNT / perSecond) * 1000, unit: 'ms', target: '< 1,000 ms', note: measured });
  }
}

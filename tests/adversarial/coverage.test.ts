// Every attack of ../shared/ATTACKS.md has a test named with its id (first) in tests/adversarial or
// tests/e2e, or a line in NOT-YET.md saying why not yet. A test marked it.fails (a known weakness) does not
// count as coverage, and a NOT-YET line for an id that has a test is stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const ATTACKS = resolve(REPO_ROOT, '../shared/ATTACKS.md');
const NOT_YET = join(REPO_ROOT, 'tests', 'adversarial', 'NOT-YET.md');
const TEST_DIRS = ['adversarial', 'e2e'].map((dir) => join(REPO_ROOT, 'tests', dir));

/** Ids in the first column of the table of ATTACKS.md. */
function attackIds(): string[] {
  return [...readFileSync(ATTACKS, 'utf8').matchAll(/^\| (ATK-\d{2}) \|/gm)].map((match) => match[1] ?? '');
}

/** Ids that lead the name of a passing test (`it(` or `test(`, not it.fails/skip/todo). */
function testedIds(): Set<string> {
  const ids = new Set<string>();
  for (const dir of TEST_DIRS) {
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.test.ts'))) {
      const code = readFileSync(join(dir, name), 'utf8');
      for (const match of code.matchAll(/\b(?:it|test)(?:\.only)?\(\s*(['"`])((?:ATK-\d{2}\s+)+)/g)) {
        for (const id of (match[2] ?? '').trim().split(/\s+/)) ids.add(id);
      }
    }
  }
  return ids;
}

/** NOT-YET.md lines: "- ATK-NN: reason". */
function notYet(): Map<string, string> {
  const lines = [...readFileSync(NOT_YET, 'utf8').matchAll(/^- (ATK-\d{2}): (.*)$/gm)];
  return new Map(lines.map((match) => [match[1] ?? '', (match[2] ?? '').trim()]));
}

describe('coverage of ATTACKS.md', () => {
  it('reads the 35 entries of ATTACKS.md', () => {
    const ids = attackIds();
    expect(ids).toHaveLength(35);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every attack a test named with its id, or a reason in NOT-YET.md', () => {
    const tested = testedIds();
    const deferred = notYet();
    const uncovered = attackIds().filter((id) => !tested.has(id) && !deferred.has(id));
    expect(uncovered).toEqual([]);
  });

  it('keeps NOT-YET.md honest: known ids, a reason each, none that has a test already', () => {
    const ids = new Set(attackIds());
    const tested = testedIds();
    for (const [id, reason] of notYet()) {
      expect(ids.has(id), id).toBe(true);
      expect(reason.length, id).toBeGreaterThan(20);
      expect(tested.has(id), `${id} has a test: remove it from NOT-YET.md`).toBe(false);
    }
  });

  it('names no id in a test that ATTACKS.md does not define', () => {
    const ids = new Set(attackIds());
    expect([...testedIds()].filter((id) => !ids.has(id))).toEqual([]);
  });
});

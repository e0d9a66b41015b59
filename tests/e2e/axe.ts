// axe-core (WCAG 2.0 and 2.1, levels A and AA) run inside the page now shown, for the browser tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * One line per violation node: where, which rule, how bad, and axe's own explanation. A page where the
 * contrast rule found no text to check is reported too: axe would then have proved nothing about it.
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const { violations, contrastChecked } = await page.evaluate(async (tags) => {
    const { axe } = window as unknown as { axe: { run: (context: Document, options: RunOptions) => Promise<AxeResults> } };
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? 'unknown',
        nodes: violation.nodes.map((node) => `${node.target.join(' ')} (${(node.failureSummary ?? '').replace(/\s+/g, ' ')})`),
      })),
      contrastChecked: [...results.passes, ...results.violations, ...results.incomplete].some((rule) => rule.id === 'color-contrast'),
    };
  }, AXE_TAGS);
  const lines = violations.flatMap(({ id, impact, nodes }) => nodes.map((node) => `${where}: ${id} [${impact}] ${node}`));
  return contrastChecked ? lines : [...lines, `${where}: axe checked no text contrast`];
}

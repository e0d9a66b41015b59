// The results of one run: baselines are recorded by name, every other row carries its ratio to baselines
// measured in the same run, and the whole is printed as one Markdown table.

export type Unit = 'MB/s' | 'ops/s' | 'ms' | 'MiB';

export interface Row {
  section: string;
  operation: string;
  /** For a baseline row: the best of its measurements so far. */
  value: number;
  unit: Unit;
  /** "0.84x node:crypto ChaCha20-Poly1305" for each baseline the row is compared with. */
  ratios: string[];
  target: string;
  note: string;
}

export interface RowInput {
  section: string;
  operation: string;
  value: number;
  unit: Unit;
  /** Names of baselines recorded earlier in this run (higher value = better for both). */
  against?: readonly string[];
  target?: string;
  note?: string;
}

interface BaselineState {
  /** The latest measurement: ratios of later rows use it, so a row is compared with a baseline taken
   * minutes, not a whole run, apart (the machine's load drifts). */
  current: number;
  min: number;
  max: number;
  count: number;
  row: Row;
  note: string;
}

export class Results {
  readonly rows: Row[] = [];
  readonly skipped: string[] = [];
  private readonly baselines = new Map<string, BaselineState>();

  /**
   * Records a baseline; later rows name it in `against`. Measuring the same baseline again updates the
   * value ratios use; its row shows the best of all measurements, and their range (the noise).
   */
  baseline(name: string, input: Omit<RowInput, 'against'>): void {
    const state = this.baselines.get(name);
    if (state === undefined) {
      this.add({ ...input, note: input.note ?? '' });
      const row = this.rows[this.rows.length - 1]!;
      this.baselines.set(name, { current: input.value, min: input.value, max: input.value, count: 1, row, note: row.note });
      return;
    }
    state.current = input.value;
    state.min = Math.min(state.min, input.value);
    state.max = Math.max(state.max, input.value);
    state.count += 1;
    state.row.value = state.max;
    state.row.note = `${state.note}; ${state.count} measurements ${formatValue(state.min, input.unit)} .. ${formatValue(state.max, input.unit)}`;
  }


  add(input: RowInput): void {
    const ratios = (input.against ?? []).flatMap((name) => {
      const base = this.baselines.get(name)?.current;
      return base === undefined || base === 0 ? [] : [`${(input.value / base).toFixed(2)}x ${name}`];
    });
    this.rows.push({
      section: input.section,
      operation: input.operation,
      value: input.value,
      unit: input.unit,
      ratios,
      target: input.target ?? '',
      note: input.note ?? '',
    });
  }

  /** A row that could not be measured (module missing, tool absent): printed after the table. */
  skip(what: string, reason: string): void {
    this.skipped.push(`${what}: ${reason}`);
  }
}

export function formatValue(value: number, unit: Unit): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

/** Renders the rows as a Markdown table, one section after another in insertion order. */
export function renderTable(results: Results): string {
  const header = ['section', 'operation', 'result', 'ratio (same run)', 'target', 'note'];
  const body = results.rows.map((row) => [
    row.section,
    row.operation,
    formatValue(row.value, row.unit),
    row.ratios.join('; '),
    row.target,
    row.note,
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  const skipped = results.skipped.map((text) => `- skipped: ${text}`);
  return [line(header), rule, ...body.map(line), ...(skipped.length > 0 ? ['', ...skipped] : [])].join('\n');
}

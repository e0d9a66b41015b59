// What the audit found. ERROR: a property the storage must hold does not (exit status 1). WARN: worth a
// look, not a breach by itself. INFO: context (counts, checks that cannot run yet). Every finding names
// where: a table, column and row key, or a file path and byte offset. Messages carry no stored value
// (a leak found must not be re-leaked into the report), only codes, ids of rows and positions.

export type Severity = 'ERROR' | 'WARN' | 'INFO';

export interface Finding {
  severity: Severity;
  /** Stable kebab-case code, e.g. "unknown-column", "payload-not-random", "canary-hit". */
  code: string;
  /** Where: "table.column row <key>" or "<path> @ byte <offset>". */
  where: string;
  message: string;
}

export class Findings {
  readonly list: Finding[] = [];

  add(severity: Severity, code: string, where: string, message: string): void {
    this.list.push({ severity, code, where, message });
  }

  error(code: string, where: string, message: string): void {
    this.add('ERROR', code, where, message);
  }

  warn(code: string, where: string, message: string): void {
    this.add('WARN', code, where, message);
  }

  info(code: string, where: string, message: string): void {
    this.add('INFO', code, where, message);
  }

  get errorCount(): number {
    return this.list.filter((finding) => finding.severity === 'ERROR').length;
  }
}

/** "table.column row k1=v1,k2=v2": row keys are random ids, versions and account ids, never contents. */
export function rowWhere(table: string, column: string | null, key: Record<string, string | number>): string {
  const keys = Object.entries(key).map(([name, value]) => `${name}=${String(value)}`).join(',');
  return `${column === null ? table : `${table}.${column}`} row ${keys}`;
}

// The report, for people (default) and machines (--json). The human form lists every table and column
// with its class, storage types and row count, then the findings, errors first.
import type { AuditReport } from './audit.ts';
import type { Severity } from './findings.ts';

const ORDER: Record<Severity, number> = { ERROR: 0, WARN: 1, INFO: 2 };

export function formatJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2);
}

export function formatHuman(report: AuditReport): string {
  const source = 'dataDir' in report ? report.dataDir : `${report.databaseUrl} (blobs in ${report.blobsDir})`;
  const lines = [`vault-audit of ${source}`, '', 'Tables and columns:'];
  for (const table of report.tables) {
    lines.push(`  ${table.name} (${table.rows} rows)${table.known ? '' : '  UNKNOWN TABLE'}`);
    for (const column of table.columns) {
      const types = Object.entries(column.types).map(([type, n]) => `${type} ${n}`).join(', ');
      lines.push(`    ${column.name.padEnd(32)} ${(column.cls ?? 'UNKNOWN COLUMN').padEnd(22)} ${types}`);
    }
  }
  lines.push('', `Blobs: ${report.blobs.published} published, ${report.blobs.temporary} temporary.`);
  const { canaries } = report;
  lines.push(`Canaries: ${canaries.count} searched in ${canaries.forms} forms over ${canaries.filesScanned} files: ${canaries.hits} hit(s).`);
  const findings = [...report.findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  lines.push('', `Findings (${report.errors} error(s)):`);
  for (const finding of findings) lines.push(`  ${finding.severity.padEnd(5)} ${finding.code}: ${finding.where}: ${finding.message}`);
  lines.push('', report.errors === 0 ? 'RESULT: OK (no error)' : `RESULT: FAILED (${report.errors} error(s))`);
  return lines.join('\n');
}

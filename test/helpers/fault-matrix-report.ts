import type { FaultSpec } from '#test/helpers/fault-cell.ts';
import type { Recorded } from '#test/helpers/fault-lanes.ts';
import type { Scenario } from '#test/helpers/fault-scenarios.ts';

/** What one cell found: the faulted request's status, and what went wrong (empty: it holds). */
export interface CellFinding {
  answered: number;
  reasons: string[];
}

/** What each cell of the fault matrix found: scenario → write (row) → fault (column). */
export type MatrixFindings = Map<string, Map<string, Map<string, CellFinding>>>;

/**
 * The fault matrix as text: one line per scenario and write (in the order the request writes),
 * `ok` with the faulted request's status (200: the fault changed nothing the client sees; 503:
 * it failed cleanly and the retry converged) or `FAIL` per fault (`·` for a cell that did not
 * run), then each reason with the cells that gave it.
 */
export function matrixReport(
  found: MatrixFindings,
  faults: readonly FaultSpec[],
  scenarios: readonly Scenario[],
  recorded: readonly Recorded[],
): string {
  const labels = faults.map((fault) => fault.label);
  const lines: Array<[string, string[]]> = [];
  const byReason = new Map<string, string[]>();
  let cells = 0;
  let failing = 0;
  for (const [at, scenario] of scenarios.entries()) {
    const writes = recorded[at]?.writes ?? [];
    if (writes.length === 0) lines.push([`${scenario.name} (no writes)`, labels.map(() => '')]);
    for (const [index, write] of writes.entries()) {
      const row = `#${index} ${write}`;
      const columns = found.get(scenario.name)?.get(row) ?? new Map<string, CellFinding>();
      const name = `${scenario.name} ${row}`;
      lines.push([
        name,
        labels.map((label) => {
          const finding = columns.get(label);
          if (finding === undefined) return '·';
          const { answered, reasons } = finding;
          cells += 1;
          if (reasons.length === 0) return `ok ${answered}`;
          failing += 1;
          for (const reason of reasons) {
            byReason.set(reason, [...(byReason.get(reason) ?? []), `${name} × ${label}`]);
          }
          return `FAIL ${answered}`;
        }),
      ]);
    }
  }
  const width = Math.max(0, ...lines.map(([name]) => name.length));
  const widths = labels.map((label) => Math.max(label.length, 8));
  const pad = (cellTexts: string[]) =>
    cellTexts.map((text, index) => text.padEnd(widths[index] ?? 4)).join(' ');
  const out = [
    `DynamoDB fault matrix (issue 21): ${cells} cells, ${failing} failing`,
    `${''.padEnd(width)}  ${pad(labels)}`,
    ...lines.map(([name, texts]) => `${name.padEnd(width)}  ${pad(texts)}`),
  ];
  if (byReason.size > 0) out.push('', 'Failures by reason:');
  for (const [reason, where] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
    out.push(`  ${reason} (${where.length}):`, ...where.map((cell) => `      ${cell}`));
  }
  return out.join('\n');
}

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MATRIX_FAULTS, runCell, verdictOf } from '#test/helpers/fault-cell.ts';
import { brokenInvariants } from '#test/helpers/fault-invariants.ts';
import { lanesOf, MATRIX_ENV, recordScenarios } from '#test/helpers/fault-lanes.ts';
import {
  type CellFinding,
  type MatrixFindings,
  matrixReport,
} from '#test/helpers/fault-matrix-report.ts';
import { type Prepared, SCENARIOS } from '#test/helpers/fault-scenarios.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

/**
 * Issue 21's step matrix: every named DynamoDB write of trial, activate, validate, deactivate
 * and the webhook meets each fault the fault proxy deals (throttling, a 500, a conflict, each
 * surfacing or absorbed by the SDK's retry, and an answer lost after the write committed). Per
 * cell: the answer is the clean run's or a 503 with a stable code (never a 500, never a refusal
 * the clean run does not give); one unfaulted retry by the client converges to the clean run's
 * answer; and the invariants hold (no orphan key, credit per period, seats, no enabled key on an
 * unusable license, served tokens work, no claim left behind).
 *
 * The writes are recorded while the file is collected (each scenario once, unfaulted, on a silent
 * stack of its own), so every write the service makes today has its cells.
 */
const RECORDED = await recordScenarios(SCENARIOS);
const LANES = lanesOf(SCENARIOS, RECORDED, MATRIX_FAULTS, 3);

// A lane spends most of its time idle (the SDK's backoff between throttled attempts), so more of
// them run at once than vitest's default of 5 concurrent tasks.
vi.setConfig({ maxConcurrency: 10 });

/** Cells of one lane share its fault proxy: one after another. */
const SEQUENTIAL = { concurrent: false };

const found: MatrixFindings = new Map();

afterAll(() => {
  console.log(matrixReport(found, MATRIX_FAULTS, SCENARIOS, RECORDED));
});

// Lanes run side by side (each on its own table, fault proxy, doubles and clock).
describe.each(LANES)('fault matrix: $title', { concurrent: true }, (lane) => {
  const stack = useTestStack(MATRIX_ENV, { faults: true });
  const { scenario, recorded, cells } = lane;
  const rows = found.get(scenario.name) ?? new Map<string, Map<string, CellFinding>>();
  found.set(scenario.name, rows);
  let instances: Prepared[] = [];

  beforeAll(async () => {
    instances = await scenario.prepare(stack, cells.length + 1);
  });

  it('writes as recorded without a fault, and keeps the invariants', SEQUENTIAL, async () => {
    // Prepare
    const [prepared] = instances;
    if (!prepared) throw new Error('no instance prepared');
    const from = stack.faults?.calls.length ?? 0;

    // Act
    const clean = await prepared.send();

    // Assess: the cells aim at these writes, by position.
    expect(stack.faults?.writesSince(from).map((call) => call.name)).toEqual(recorded.writes);
    expect(verdictOf(clean), clean.text).toBe(verdictOf(recorded.clean));
    const licenseKey = prepared.licenseKey ?? clean.body.licenseKey;
    expect(await brokenInvariants(stack, licenseKey, scenario.route === 'trial')).toEqual([]);
  });

  it.each(cells)('%s', SEQUENTIAL, async (_title, cell) => {
    // Prepare
    const prepared = instances[1 + cells.findIndex(([, candidate]) => candidate === cell)];
    if (!prepared) throw new Error('no instance prepared');
    const row = `#${cell.index} ${cell.write}`;

    // Act
    const { reasons, faulted, retry } = await runCell(
      stack,
      scenario,
      prepared,
      cell,
      recorded.clean,
    );

    // Assess
    rows.set(
      row,
      (rows.get(row) ?? new Map()).set(cell.fault.label, { answered: faulted.status, reasons }),
    );
    expect(reasons, `faulted: ${verdictOf(faulted)}; retry: ${verdictOf(retry)}`).toEqual([]);
  });
});

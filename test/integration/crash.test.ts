import { writeSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  CellChain,
  type CellResult,
  type ClientKind,
  cellTable,
  crashPoints,
  limiter,
} from '#test/helpers/crash-cells.ts';
import { buildCrashChild, removeCrashChild } from '#test/helpers/crash-child-process.ts';
import { SCENARIOS, type Scenario } from '#test/helpers/crash-scenarios.ts';
import { type CrashPoint, closeAllWorlds } from '#test/helpers/crash-stack.ts';

/**
 * Issue 21: the service dies between two steps of a request (SIGKILL of its process, at a
 * DynamoDB write: just after it commits, or as it is sent after an upstream call), the client
 * retries on another instance on the same table once the activation lease has passed, the
 * reaper and the reconciler run, and the invariants hold: the retry gets what the request
 * promised (a trial written is recovered), credit per period (I1), no orphan key, every seat at
 * LemonSqueezy recorded, served tokens work, a disabled license has no enabled key.
 *
 * Each scenario runs once cleanly, which names its writes and where upstream calls fall between
 * them; then one cell per crash point: after each write, and before each write that follows an
 * upstream change. `CRASH_CELLS=all` runs every point, for the shipped client (no
 * Idempotency-Key) and for a client that sends one. By default (about a minute on two cores): the
 * clean runs, and the shipped client's points either side of each upstream change.
 * `CRASH_CONCURRENCY` (default 3) cells run at once.
 */
const ALL_CELLS = process.env.CRASH_CELLS === 'all';
const gate = limiter(Number(process.env.CRASH_CONCURRENCY ?? 3));
const results: CellResult[] = [];

beforeAll(buildCrashChild, 60_000);
afterAll(async () => {
  await closeAllWorlds();
  removeCrashChild();
  const rank = (cell: CellResult) =>
    SCENARIOS.findIndex((scenario) => scenario.name === cell.scenario) * 1000 +
    (cell.client === 'plain' ? 0 : 500) +
    (cell.point ? cell.point.write * 2 + (cell.point.when === 'after' ? 1 : 0) : 0);
  results.sort((a, b) => rank(a) - rank(b));
  // Straight to the terminal: the log check keeps what goes through process.stdout.
  writeSync(1, `\nCrash cells (issue 21):\n${cellTable(results)}\n`);
});

const VARIANTS = SCENARIOS.flatMap((scenario) =>
  (scenario.idempotent && ALL_CELLS
    ? (['plain', 'idempotency-key'] as const)
    : (['plain'] as const)
  ).map((client): [string, Scenario, ClientKind] => [
    `${scenario.name} (${client})`,
    scenario,
    client,
  ]),
);

/** The crash points a run covers (see above). */
function selected(client: ClientKind, clean: CellResult): CrashPoint[] {
  const points = crashPoints(clean);
  if (ALL_CELLS || client === 'idempotency-key') return points;
  // Either side of each upstream change: the write before it committed, or the write after it
  // never sent. There the request has told one side (the table, an upstream) and not the other.
  const changedBefore = new Set(
    points.filter((point) => point.when === 'before').map((point) => point.write),
  );
  return points.filter(
    (point) =>
      (point.when === 'before' && changedBefore.has(point.write)) ||
      (point.when === 'after' && changedBefore.has(point.write + 1)),
  );
}

describe.concurrent('a crash at each write of a request', () => {
  it.for(VARIANTS)(
    '%s: the retry and the sweeps leave every invariant holding',
    { timeout: 600_000 },
    async ([, scenario, client], { expect }) => {
      const chain = await CellChain.start(scenario, client);
      try {
        // Prepare: a clean run names the request's writes.
        const clean = await gate(() => chain.run());
        results.push(clean);
        expect.soft(clean.violations, 'no crash (the answer lost: asked again)').toEqual([]);

        for (const point of selected(client, clean)) {
          // Act
          const cell = await gate(() => chain.run(point));
          results.push(cell);

          // Assess
          const where = `crash ${point.when} write ${point.write}: ${cell.writeName}`;
          expect.soft(cell.crashed, `${where} was reached`).toBe(true);
          expect.soft(cell.violations, where).toEqual([]);
        }
      } finally {
        await chain.close();
      }
    },
  );
});

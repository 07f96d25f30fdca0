import type { FaultSpec } from '#test/helpers/fault-cell.ts';
import type { Scenario } from '#test/helpers/fault-scenarios.ts';
import { type HttpResult, startTestStack } from '#test/helpers/test-stack.ts';

/**
 * The stack settings of the fault matrix. A request that meets its own activation claim (a lost
 * answer mistaken for a rival's work) waits ACTIVATION_WAIT_SECONDS (10) for it before answering
 * 503: 0 here, so such a cell answers at once and fails on its retry (the claim outlives the
 * request) instead of costing 10 s.
 */
export const MATRIX_ENV = { ACTIVATION_WAIT_SECONDS: '0' } as const;

/** A scenario's request without a fault: the writes it made, by name, in order, and its answer. */
export interface Recorded {
  writes: string[];
  clean: HttpResult;
}

/**
 * Runs each scenario once without a fault, on a stack of its own that logs nothing, and records
 * its writes: the matrix then has a cell for every write the service makes today (a write added
 * to a flow gets its cells without this file changing).
 */
export async function recordScenarios(scenarios: readonly Scenario[]): Promise<Recorded[]> {
  const stack = await startTestStack({ ...MATRIX_ENV, LOG_LEVEL: 'SILENT' }, { faults: true });
  try {
    const recorded: Recorded[] = [];
    for (const scenario of scenarios) {
      const [prepared] = await scenario.prepare(stack, 1);
      if (!prepared) throw new Error(`${scenario.name}: nothing prepared`);
      const from = stack.faults?.calls.length ?? 0;
      const clean = await prepared.send();
      if (clean.status !== 200) {
        throw new Error(`${scenario.name} answers ${clean.status} without a fault: ${clean.text}`);
      }
      const writes = (stack.faults?.writesSince(from) ?? []).map((call) => call.name);
      recorded.push({ writes, clean });
    }
    return recorded;
  } finally {
    await stack.close();
  }
}

export interface Cell {
  /** The write's position among the request's writes, and its name. */
  index: number;
  write: string;
  fault: FaultSpec;
}

/** A share of one scenario's cells, run one after another on a stack of its own. */
export interface Lane {
  title: string;
  scenario: Scenario;
  recorded: Recorded;
  cells: Array<[string, Cell]>;
}

/**
 * Splits each scenario's cells (write × fault) into lanes of at most `writesPerLane` writes, so
 * the long flows (an activation makes a dozen writes) run side by side on several stacks instead
 * of one after another on one. A scenario that writes nothing gets one lane, for its clean run.
 */
export function lanesOf(
  scenarios: readonly Scenario[],
  recorded: readonly Recorded[],
  faults: readonly FaultSpec[],
  writesPerLane: number,
): Lane[] {
  return scenarios.flatMap((scenario, at) => {
    const record = recorded[at] as Recorded;
    const count = Math.max(1, Math.ceil(record.writes.length / writesPerLane));
    return Array.from({ length: count }, (_, lane) => {
      const writes = record.writes
        .map((write, index) => ({ write, index }))
        .slice(lane * writesPerLane, (lane + 1) * writesPerLane);
      return {
        title: count === 1 ? scenario.name : `${scenario.name} (${lane + 1}/${count})`,
        scenario,
        recorded: record,
        cells: writes.flatMap(({ write, index }) =>
          faults.map((fault): [string, Cell] => [
            `#${index} ${write} × ${fault.label}`,
            { index, write, fault },
          ]),
        ),
      };
    });
  });
}

import { loadEdgeFunction } from '#lambda/edge/edge-function.ts';
import { type DynamoDbMeter, type MeterCounts, meterDelta } from '#local/dynamodb-meter.ts';
import { DAY, HOUR, ManualClock } from '#local/manual-clock.ts';
import { activateLicense, type BenchLicense, renew, seedSaasLicense } from './seed.ts';
import {
  type BenchStack,
  diffCounts,
  invoke,
  startBenchStack,
  sumCounts,
  type UpstreamCounts,
  upstreamCounts,
} from './stack.ts';
import { mapLimit } from './stats.ts';

export interface PatternSpec {
  name: string;
  licenses: number;
  intervalMs: number;
  durationMs: number;
  concurrency: number;
  /**
   * The shipped client's habit: a `GET /v1/validate` reachability probe before every validate.
   * The probe meets the CloudFront Function first (as deployed); only what it lets through
   * would run a Lambda function.
   */
  probe?: boolean;
  /** Service environment for this run (e.g. the original design's TTLs: ORIGINAL_DESIGN_ENV). */
  env?: Record<string, string>;
}

/**
 * The original design (the product description): every validate asks LemonSqueezy and reads the
 * key's usage at OpenRouter. Our handlers with both caches at zero behave so.
 */
export const ORIGINAL_DESIGN_ENV = { STATUS_TTL_SECONDS: '0', USAGE_TTL_SECONDS: '0' };

/** The service's defaults (lambda/config.ts); the model below predicts refreshes from them. */
const STATUS_TTL_MS = 24 * HOUR;
/** The service's default first-contact share of the LemonSqueezy budget (lambda/config.ts). */
const FIRST_CONTACTS_PER_MINUTE = 15;
/** Each license validates at its own offset within the interval, ten offsets in all. */
const PHASES = 10;
const DAY_START = new Date('2026-03-10T12:00:00.000Z');

interface Tracked extends BenchLicense {
  phase: number;
  /** Our model of the stored state: when LemonSqueezy last confirmed it, when its key ends. */
  checkedAt: number;
  periodEnd: number;
}

/**
 * Upstream calls per validate over simulated time, in-process with a ManualClock.
 * 1. seed: subscriptions renewing uniformly over the next 30 days, activations spread over the
 *    24 h before the run, so each license's status TTL runs out at a different time;
 * 2. every tick: renew the subscriptions whose renews_at has passed (at the LemonSqueezy double,
 *    as the store would), then the licenses of this tick's phase validate;
 * 3. validates the model says are due (status older than the TTL, or key period over) run
 *    first and are counted apart from the steady-state rest, whose LemonSqueezy count must be 0.
 */
export async function simulatePattern(dynamoDbEndpoint: string, spec: PatternSpec) {
  const clock = new ManualClock(new Date(DAY_START.getTime() - DAY));
  // The service's own limits: their counter writes are part of what a validate costs.
  const stack = await startBenchStack(dynamoDbEndpoint, {
    clock,
    limits: 'service',
    meter: true,
    env: spec.env,
  });
  const meter = stack.meter as DynamoDbMeter;
  try {
    const licenses = await seed(stack, clock, spec);
    const zero = upstreamCounts(stack);
    const noTable = meterDelta(meter.counts(), meter.counts());
    const due = { validates: 0, calls: diffCounts(zero, zero), table: noTable };
    const steady = { validates: 0, calls: diffCounts(zero, zero), table: { ...noTable } };
    let renewals = 0;
    let failures = 0;
    const probes = { sent: 0, functionRuns: 0 };
    const methodGuard = loadEdgeFunction();
    const tick = spec.intervalMs / PHASES;
    const started = performance.now();
    for (let index = 0; index * tick < spec.durationMs; index += 1) {
      const now = DAY_START.getTime() + index * tick;
      clock.set(new Date(now));
      for (const license of licenses) {
        if (license.renewsAt.getTime() <= now) {
          renew(stack, license);
          renewals += 1;
        }
      }
      const batch = licenses.filter((license) => license.phase === index % PHASES);
      const isDue = (l: Tracked) => now - l.checkedAt >= STATUS_TTL_MS || l.periodEnd <= now;
      for (const [group, members] of [
        [due, batch.filter(isDue)],
        [steady, batch.filter((license) => !isDue(license))],
      ] as const) {
        const before = upstreamCounts(stack);
        const tableBefore = meter.counts();
        const statuses = await mapLimit(members, spec.concurrency, async (license) => {
          if (spec.probe) {
            probes.sent += 1;
            // Anything the edge lets through would have cost an invocation of ravn-validate.
            const atEdge = await methodGuard(
              { method: 'GET', uri: '/v1/validate' },
              `p${probes.sent}`,
            );
            if (!atEdge) probes.functionRuns += 1;
          }
          return validate(stack, license);
        });
        failures += statuses.filter((status) => status !== 200).length;
        group.calls = sumCounts(group.calls, diffCounts(upstreamCounts(stack), before));
        group.table = addTable(group.table, meterDelta(meter.counts(), tableBefore));
        group.validates += members.length;
      }
      for (const license of batch.filter(isDue)) {
        if (license.periodEnd <= now) license.periodEnd = license.renewsAt.getTime();
        license.checkedAt = now;
      }
    }
    return summarizePattern(spec, {
      due,
      steady,
      renewals,
      failures,
      probes,
      seconds: (performance.now() - started) / 1000,
    });
  } finally {
    await stack.close();
  }
}

async function seed(stack: BenchStack, clock: ManualClock, spec: PatternSpec) {
  const licenses: Tracked[] = Array.from({ length: spec.licenses }, (_, index) => {
    const renewsAt = new Date(DAY_START.getTime() + ((index + 0.5) / spec.licenses) * 30 * DAY);
    const seeded = seedSaasLicense(stack, index, renewsAt);
    return { ...seeded, phase: index % PHASES, checkedAt: 0, periodEnd: renewsAt.getTime() };
  });
  // Batches activated at successive instants of the day before, so status checks are spread. A
  // batch's first activations share one minute of the first-contact share of LemonSqueezy's
  // budget (LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE, 15 by default): no batch is larger.
  const batchSize = Math.min(spec.concurrency, FIRST_CONTACTS_PER_MINUTE);
  const batches = Math.ceil(licenses.length / batchSize);
  for (let batch = 0; batch < batches; batch += 1) {
    const at = DAY_START.getTime() - DAY + Math.floor((batch * DAY) / batches);
    clock.set(new Date(at));
    const members = licenses.slice(batch * batchSize, (batch + 1) * batchSize);
    await Promise.all(members.map((license) => activateLicense(stack, license)));
    for (const license of members) license.checkedAt = at;
  }
  return licenses;
}

async function validate(stack: BenchStack, license: Tracked): Promise<number> {
  const answer = await invoke(stack.validate, '/v1/validate', { licenseKey: license.key });
  return answer.status;
}

function addTable(total: MeterCounts, delta: MeterCounts): MeterCounts {
  const merge = (a: Record<string, number>, b: Record<string, number>) => {
    const out = { ...a };
    for (const [name, value] of Object.entries(b)) out[name] = (out[name] ?? 0) + value;
    return out;
  };
  return {
    calls: merge(total.calls, delta.calls),
    units: merge(total.units, delta.units),
    writes: total.writes + delta.writes,
    reads: total.reads + delta.reads,
    writeUnits: total.writeUnits + delta.writeUnits,
    readUnits: total.readUnits + delta.readUnits,
    failedWrites: total.failedWrites + delta.failedWrites,
  };
}

interface Tally {
  due: { validates: number; calls: UpstreamCounts; table: MeterCounts };
  steady: { validates: number; calls: UpstreamCounts; table: MeterCounts };
  renewals: number;
  failures: number;
  probes: { sent: number; functionRuns: number };
  seconds: number;
}

/**
 * Per-validate rates. DynamoDB requests and capacity units are measured at the DynamoDbMeter:
 * every write the service sends (facts, usage, heartbeats, rate-limit and budget counters, key
 * installs), conditional ones that were refused included.
 */
function summarizePattern(spec: PatternSpec, tally: Tally) {
  const calls = sumCounts(tally.due.calls, tally.steady.calls);
  const validates = tally.due.validates + tally.steady.validates;
  const per = (value: number, of = validates) => (of === 0 ? 0 : value / of);
  const table = addTable(tally.due.table, tally.steady.table);
  return {
    name: spec.name,
    licenses: spec.licenses,
    intervalSeconds: spec.intervalMs / 1000,
    simulatedHours: spec.durationMs / HOUR,
    concurrency: spec.concurrency,
    validates,
    failures: tally.failures,
    renewals: tally.renewals,
    rotations: calls.orCreate,
    probes: tally.probes,
    runSeconds: tally.seconds,
    calls,
    perValidate: {
      lemonSqueezy: per(calls.lsValidate + calls.lsSubscriptions),
      lsValidate: per(calls.lsValidate),
      lsSubscriptions: per(calls.lsSubscriptions),
      openRouter: per(calls.orGet + calls.orCreate + calls.orUpdate + calls.orDelete),
      orGet: per(calls.orGet),
      orCreate: per(calls.orCreate),
      orUpdate: per(calls.orUpdate),
      orDelete: per(calls.orDelete),
      dynamoDbWrites: per(table.writes),
      writeUnits: per(table.writeUnits),
      dynamoDbReads: per(table.reads),
      readUnits: per(table.readUnits),
      refusedWrites: per(table.failedWrites),
    },
    table,
    steadyState: {
      validates: tally.steady.validates,
      lemonSqueezyCalls: tally.steady.calls.lsValidate + tally.steady.calls.lsSubscriptions,
      openRouterWriteCalls:
        tally.steady.calls.orCreate + tally.steady.calls.orUpdate + tally.steady.calls.orDelete,
      dynamoDbWrites: tally.steady.table.writes,
    },
    due: { validates: tally.due.validates, calls: tally.due.calls },
    originalDesign: { lemonSqueezy: validates, openRouter: validates },
  };
}

export type PatternResult = Awaited<ReturnType<typeof simulatePattern>>;

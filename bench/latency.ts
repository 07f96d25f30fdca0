import { randomUUID } from 'node:crypto';
import { TABLE_KEYS, tableDefinition } from '#adapters/dynamodb/table-definition.ts';
import { addPeriods } from '#domain/period.ts';
import { type CadenceOptions, measureAtCadence } from './latency-cadence.ts';
import {
  type BenchLicense,
  deviceId,
  licenseItemKey,
  SAAS_PLAN,
  seedActivatedLicenses,
  seedSaasLicense,
} from './seed.ts';
import { type BenchStack, diffCounts, startBenchStack, upstreamCounts } from './stack.ts';
import { median, type Summary, summarize } from './stats.ts';
import { type Mode, timePost, timeValidate } from './timing.ts';

export interface LatencyOptions {
  licenses: number;
  rounds: number;
  perRound: number;
  flowSamples: number;
  cadence: CadenceOptions;
}

const MODES: Mode[] = ['getItem', 'handler', 'http'];

/**
 * Warm latency on a real clock: validate three ways side by side, interleaved in rounds whose
 * order rotates, so DynamoDB Local's drift (GC, JIT) hits every mode alike; then activate and
 * trial through the local HTTP server, which are dominated by their upstream calls. Then (d)
 * validate at the 10-minute cadence and (e) the original design, on a simulated clock with the
 * upstream doubles answering late (`measureAtCadence`).
 */
export async function measureLatency(dynamoDbEndpoint: string, options: LatencyOptions) {
  const warm = await measureWarm(dynamoDbEndpoint, options);
  const cadence = await measureAtCadence(dynamoDbEndpoint, options.cadence, 'service');
  const originalDesign = await measureAtCadence(dynamoDbEndpoint, options.cadence, 'original');
  return { ...warm, cadence, originalDesign };
}

/** Rows (a) to (c), then activate and trial: one stack on the real clock, upstreams at once. */
async function measureWarm(dynamoDbEndpoint: string, options: LatencyOptions) {
  const stack = await startBenchStack(dynamoDbEndpoint);
  try {
    const licenses = await seedActivatedLicenses(stack, options.licenses);
    const item = await stack.itemBytes(licenseItemKey(licenses[0] as BenchLicense));

    let cursor = 0;
    const runMode = async (mode: Mode, count: number) => {
      const took: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const license = licenses[cursor++ % licenses.length] as BenchLicense;
        took.push(await timeValidate(stack, mode, license));
      }
      return took;
    };
    // One unrecorded round: JIT, SDK and keep-alive connections warm for every mode.
    for (const mode of MODES) await runMode(mode, Math.min(200, options.perRound));
    const before = upstreamCounts(stack);
    const rounds: Array<Record<Mode, number[]>> = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const taken: Record<Mode, number[]> = { getItem: [], handler: [], http: [] };
      const order = MODES.map((_, index) => MODES[(index + round) % MODES.length] as Mode);
      for (const mode of order) taken[mode] = await runMode(mode, options.perRound);
      rounds.push(taken);
    }
    const duringValidate = diffCounts(upstreamCounts(stack), before);
    const samples = (mode: Mode) => rounds.flatMap((round) => round[mode]);
    // Each round's own p50 ratio shows how much of the overall ratio is this machine's noise.
    const roundRatios = rounds.map((round) => ({
      handlerToGetItem: median(round.handler) / median(round.getItem),
      httpToGetItem: median(round.http) / median(round.getItem),
    }));

    const validate = {
      getItem: summarize(samples('getItem')),
      handler: summarize(samples('handler')),
      http: summarize(samples('http')),
    };
    const flows = await measureFlows(stack, licenses, options.flowSamples);
    return {
      licenses: options.licenses,
      rounds: options.rounds,
      perRound: options.perRound,
      validate,
      ratios: {
        handlerToGetItem: validate.handler.p50 / validate.getItem.p50,
        httpToGetItem: validate.http.p50 / validate.getItem.p50,
      },
      roundRatios,
      upstreamCallsDuringValidate: duringValidate,
      licenseItemBytes: item.bytes,
      licenseItemInEmailIndex: writesReachEmailIndex(stack.tableName, item.attributes),
      ...flows,
    };
  } finally {
    await stack.close();
  }
}

export type LatencyResult = Awaited<ReturnType<typeof measureLatency>>;

/**
 * An item with `email` sits in email-index too; with projection ALL every write to it (the
 * usage figure included) is written to the index as well, and billed twice.
 */
function writesReachEmailIndex(tableName: string, attributes: string[]): boolean {
  const index = tableDefinition(tableName).GlobalSecondaryIndexes?.find(
    (gsi) => gsi.IndexName === TABLE_KEYS.emailIndex,
  );
  return (
    attributes.includes(TABLE_KEYS.emailAttribute) && index?.Projection?.ProjectionType === 'ALL'
  );
}

/** Activate (fresh and idempotent) and trial, sequentially through the local HTTP server. */
async function measureFlows(stack: BenchStack, activated: BenchLicense[], count: number) {
  const renewsAt = addPeriods(new Date(), SAAS_PLAN.duration, 1);
  const fresh = Array.from({ length: count }, (_, index) =>
    seedSaasLicense(stack, 100_000 + index, renewsAt),
  );
  const activateFresh: number[] = [];
  for (const license of fresh) {
    activateFresh.push(
      await timePost(stack, '/v1/activate', {
        licenseKey: license.key,
        instanceName: license.device,
      }),
    );
  }
  const activateIdempotent: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const license = activated[index % activated.length] as BenchLicense;
    activateIdempotent.push(
      await timePost(stack, '/v1/activate', {
        licenseKey: license.key,
        instanceName: license.device,
      }),
    );
  }
  const trial: number[] = [];
  for (let index = 0; index < count; index += 1) {
    trial.push(
      await timePost(stack, '/v1/trial', {
        instanceName: deviceId(),
        email: `latency-trial-${index}-${randomUUID().slice(0, 8)}@example.com`,
        name: 'Bench Trial',
      }),
    );
  }
  const flows: Record<'activateFresh' | 'activateIdempotent' | 'trial', Summary> = {
    activateFresh: summarize(activateFresh),
    activateIdempotent: summarize(activateIdempotent),
    trial: summarize(trial),
  };
  return { flows };
}

export type { CadenceOptions, CadenceResult } from './latency-cadence.ts';

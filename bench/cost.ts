import type { CadenceResult, LatencyResult } from './latency.ts';
import type { PatternResult } from './simulated-day.ts';
import { ms, rate, usd } from './stats.ts';

/** List prices, us-east-1, as of 2026 (assumptions: check the AWS pricing pages before quoting). */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026',
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionRru: 0.125,
  dynamoPerMillionWru: 0.625,
  cloudFrontPer10kHttps: 0.01,
  /** The method guard (a CloudFront Function, viewer request) runs on every client request. */
  cloudFrontFunctionsPerMillion: 0.1,
  /** Only when the optional WAF web ACL is on; not in the total. */
  wafPerMillionRequests: 0.6,
  /** As deployed (lib/constructs/service-function.ts: arm64, 512 MB). */
  memoryMb: 512,
  memoryGb: 0.5,
  /** DynamoDB's own GetItem latency in AWS, against DynamoDB Local's on this machine. */
  awsDynamoMs: 5,
  /** Lambda gives CPU in proportion to memory: one full vCPU at 1,769 MB. */
  fullVcpuMb: 1769,
} as const;

/** The target of issue 15, pattern A, all-in with CloudFront. */
export const MAX_COST_PER_MILLION = 1.5;
export const SWEEP_MB = [128, 256, 512, 1024, 1769] as const;

const MILLION = 1_000_000;

export interface CostInputs {
  latency: LatencyResult;
  /** Patterns A, B, C of the simulated day (A first). */
  patterns: PatternResult[];
  /** Pattern A run with the original design's TTLs. */
  original: PatternResult;
  /** The deployed validate bundle's cold import here (ms), for the sweep's init estimate. */
  validateInitMs?: number;
}

export interface Breakdown {
  /** 'A', 'C' (the patterns) or 'original' (the original design's measured run). */
  name: string;
  label: string;
  perMillion: {
    cloudFront: number;
    lambdaRequests: number;
    lambdaCompute: number;
    reads: number;
    writes: number;
    total: number;
  };
  basis: {
    /** HTTPS requests at CloudFront per validate (the GET probe first, in pattern C). */
    cloudFrontRequests: number;
    /** Lambda invocations per validate. */
    invocations: number;
    /** Mean billed duration per validate (ms, each invocation rounded up). */
    billedMs: number;
    /** Share of validates that reached an upstream (due), and how their duration was measured. */
    dueShare: number;
    durationSource: string;
    dynamoDbWrites: number;
    writeUnits: number;
    dynamoDbReads: number;
    readUnits: number;
    lemonSqueezyCalls: number;
    openRouterCalls: number;
  };
}

/**
 * Cost per 1 M validates, on paper, from what the bench measured: DynamoDB requests and capacity
 * units per validate at the DynamoDbMeter, Lambda duration from the timed validates of latency
 * rows (d) and (e) (each rounded up to the billed ms), CloudFront per HTTPS request. Three
 * breakdowns: pattern A (every 10 min), pattern C (hourly, the shipped client, GET probe first)
 * and the original design (pattern A with both TTLs at 0).
 */
export function estimateCost(inputs: CostInputs) {
  const { latency, patterns, original } = inputs;
  const patternA = patterns.find((p) => p.name === 'A') ?? patterns[0];
  const patternC = patterns.find((p) => p.name === 'C');
  if (!patternA) throw new Error('the cost needs pattern A');
  const cadence = latency.cadence;
  const ours = (pattern: PatternResult) =>
    breakdown(pattern, `pattern ${pattern.name} (every ${minutes(pattern.intervalSeconds)})`, {
      ...ourDuration(pattern, cadence, latency.originalDesign),
    });
  const breakdowns: Breakdown[] = [ours(patternA)];
  if (patternC) breakdowns.push(ours(patternC));
  breakdowns.push(
    breakdown(original, 'original design (1 LemonSqueezy + 1 OpenRouter call per validate)', {
      name: 'original',
      billedMs: latency.originalDesign.billedMs.all,
      dueShare: 1,
      source: `row (e): every validate, ${latency.originalDesign.validate.count} timed`,
    }),
  );
  const [a] = breakdowns as [Breakdown];
  const originalCost = breakdowns.at(-1) as Breakdown;
  const sweep = memorySweep(inputs, a.basis.dueShare);
  const p = PRICES;
  const readsA = a.perMillion.reads;
  const awsExtra = (b: Breakdown) =>
    Math.max(0, p.awsDynamoMs - latency.validate.getItem.p50) *
    (b.basis.dynamoDbReads + b.basis.dynamoDbWrites);
  const lines = [
    `CloudFront: HTTPS requests × $${p.cloudFrontPer10kHttps}/10k, plus the method guard (a CloudFront Function on every client request) × $${p.cloudFrontFunctionsPerMillion}/1M; pattern C's client sends a GET probe before each validate (answered at the edge, no invocation), so it pays CloudFront twice.`,
    "Lambda requests: invocations × $0.2/1M. Lambda compute: 1,000,000 × 0.5 GB × mean billed ms (each invocation rounded up to the ms) × $0.0000133334/GB-s; for A and C the billed ms mix row (d)'s validates served from the table with its validates that reached an upstream (delayed doubles) in the pattern's own due share; the original design's is row (e)'s.",
    `DynamoDB: the capacity units the DynamoDbMeter measured per validate (DynamoDB Local's ConsumedCapacity), × $${p.dynamoPerMillionRru}/1M RRU and $${p.dynamoPerMillionWru}/1M WRU.`,
    `Reads: validate keeps a strongly consistent GetItem (our decision). An eventually consistent one would cost half: ${usd(readsA / 2)} less per 1 M (pattern A, ${usd(readsA)} → ${usd(readsA / 2)}); the risk: a validate just after an activation or a webhook may read the item from before it for about a second.`,
    `Largest share, pattern A: ${largestShare(a)}.`,
    `Against the original design: ${usd(originalCost.perMillion.total)} → ${usd(a.perMillion.total)} per 1 M (pattern A), ${usd(originalCost.perMillion.total - a.perMillion.total)} less; writes ${rate(originalCost.basis.writeUnits)} → ${rate(a.basis.writeUnits)} WRU per validate, billed duration ${ms(originalCost.basis.billedMs)} → ${ms(a.basis.billedMs)} ms.`,
    `In AWS, DynamoDB answers in ~${p.awsDynamoMs} ms instead of ${ms(latency.validate.getItem.p50)} ms here: each DynamoDB request of a validate adds about ${ms(Math.max(0, p.awsDynamoMs - latency.validate.getItem.p50))} ms, i.e. Lambda compute ≈ ${breakdowns.map((b) => `${b.name === 'original' ? 'original design' : `pattern ${b.name}`} ${usd(computeFor(b.basis.billedMs + awsExtra(b)))}`).join(', ')} (see the memory sweep).`,
    `Not in the totals: WAF, when enabled, $${p.wafPerMillionRequests}/1M requests; data transfer out; CloudWatch Logs ingestion of the one log line per request; free tiers.`,
    ...patterns.map(upstreamLine),
  ];
  return {
    prices: PRICES,
    target: MAX_COST_PER_MILLION,
    breakdowns,
    /** Pattern A (the target's basis), kept under the old name. */
    perMillion: a.perMillion,
    upstreamPerMillion: patterns.map((pattern) => ({
      pattern: pattern.name,
      lemonSqueezy: MILLION * pattern.perValidate.lemonSqueezy,
      openRouter: MILLION * pattern.perValidate.openRouter,
    })),
    sweep,
    lines,
  };
}

export type CostResult = ReturnType<typeof estimateCost>;

const minutes = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`);

const computeFor = (billedMs: number, memoryGb: number = PRICES.memoryGb) =>
  MILLION * memoryGb * (billedMs / 1000) * PRICES.lambdaArmPerGbSecond;

/**
 * Our billed ms per validate for a pattern: row (d)'s validates served from the table and those
 * that reached an upstream, mixed in the pattern's own share of due validates (its simulated day
 * counts many more of them than row (d) can time). Without a timed due validate, row (e)'s mean
 * stands in (an upper bound: every one of those pays the upstream calls).
 */
function ourDuration(pattern: PatternResult, cadence: CadenceResult, original: CadenceResult) {
  const dueShare = pattern.validates === 0 ? 0 : pattern.due.validates / pattern.validates;
  const steady = cadence.billedMs.steady;
  const timedDue = Number.isFinite(cadence.billedMs.reached);
  const due = timedDue ? cadence.billedMs.reached : original.billedMs.all;
  return {
    billedMs: (1 - dueShare) * steady + dueShare * due,
    dueShare,
    source: `row (d): ${cadence.validate.count - cadence.reachedUpstream} from the table (${ms(steady)} ms billed), ${timedDue ? `${cadence.reachedUpstream} that reached an upstream (${ms(due)} ms billed)` : `no timed due validate: row (e)'s ${ms(due)} ms stands in`}, due share ${rate(dueShare)}`,
  };
}

function breakdown(
  pattern: PatternResult,
  label: string,
  duration: { billedMs: number; dueShare: number; source: string; name?: string },
): Breakdown {
  const p = PRICES;
  const per = pattern.perValidate;
  const probes = pattern.validates === 0 ? 0 : pattern.probes.sent / pattern.validates;
  const probeRuns = pattern.validates === 0 ? 0 : pattern.probes.functionRuns / pattern.validates;
  const cloudFrontRequests = 1 + probes;
  const invocations = 1 + probeRuns;
  const cloudFront =
    (MILLION * cloudFrontRequests * p.cloudFrontPer10kHttps) / 10_000 +
    cloudFrontRequests * p.cloudFrontFunctionsPerMillion;
  const lambdaRequests = invocations * p.lambdaPerMillionRequests;
  const lambdaCompute = computeFor(duration.billedMs);
  const reads = per.readUnits * p.dynamoPerMillionRru;
  const writes = per.writeUnits * p.dynamoPerMillionWru;
  return {
    name: duration.name ?? pattern.name,
    label,
    perMillion: {
      cloudFront,
      lambdaRequests,
      lambdaCompute,
      reads,
      writes,
      total: cloudFront + lambdaRequests + lambdaCompute + reads + writes,
    },
    basis: {
      cloudFrontRequests,
      invocations,
      billedMs: duration.billedMs,
      dueShare: duration.dueShare,
      durationSource: duration.source,
      dynamoDbWrites: per.dynamoDbWrites,
      writeUnits: per.writeUnits,
      dynamoDbReads: per.dynamoDbReads,
      readUnits: per.readUnits,
      lemonSqueezyCalls: per.lemonSqueezy,
      openRouterCalls: per.openRouter,
    },
  };
}

/**
 * Lambda memory on paper (arm64): a validate's CPU part (handler p50 − GetItem p50, row (b)
 * against row (a)) scales with max(1, 1769 / MB), as Lambda hands out CPU in proportion to
 * memory; its I/O part (an assumed ~5 ms GetItem in AWS) does not. Pattern A's due validates
 * add their measured extra time (row (d): upstream waits, I/O, not scaled). The cold import
 * measured here (about one vCPU) is scaled the same way, for a feel of cold starts.
 */
function memorySweep(inputs: CostInputs, dueShareA: number) {
  const { latency, validateInitMs } = inputs;
  const p = PRICES;
  const cpuMs = Math.max(0, latency.validate.handler.p50 - latency.validate.getItem.p50);
  const cadence = latency.cadence;
  const dueExtraMs =
    cadence.reachedUpstream > 0 ? Math.max(0, cadence.reached.mean - cadence.steady.mean) : 0;
  const rows = SWEEP_MB.map((memoryMb) => {
    const scale = Math.max(1, p.fullVcpuMb / memoryMb);
    const durationMs = cpuMs * scale + p.awsDynamoMs;
    const gb = memoryMb / 1024;
    const steadyCompute = computeFor(Math.ceil(durationMs), gb);
    const mixedBilled =
      (1 - dueShareA) * Math.ceil(durationMs) + dueShareA * Math.ceil(durationMs + dueExtraMs);
    const patternACompute = computeFor(mixedBilled, gb);
    return {
      memoryMb,
      cpuScale: scale,
      durationMs,
      billedMs: Math.ceil(durationMs),
      computePerMillion: steadyCompute,
      withRequestsPerMillion: steadyCompute + p.lambdaPerMillionRequests,
      patternAComputePerMillion: patternACompute,
      initMs: validateInitMs === undefined ? undefined : validateInitMs * scale,
    };
  });
  const cheapest = rows.reduce((best, row) =>
    row.patternAComputePerMillion < best.patternAComputePerMillion ? row : best,
  );
  const current = rows.find((row) => row.memoryMb === p.memoryMb) ?? cheapest;
  return {
    cpuMs,
    ioMs: p.awsDynamoMs,
    dueExtraMs,
    dueShare: dueShareA,
    rows,
    cheapestMb: cheapest.memoryMb,
    currentMb: current.memoryMb,
    savingPerMillion: current.patternAComputePerMillion - cheapest.patternAComputePerMillion,
  };
}

function largestShare(b: Breakdown): string {
  const { total, ...parts } = b.perMillion;
  const names: Record<string, string> = {
    cloudFront: 'CloudFront',
    lambdaRequests: 'Lambda requests',
    lambdaCompute: 'Lambda compute',
    reads: 'DynamoDB reads',
    writes: 'DynamoDB writes',
  };
  const [name, value] = Object.entries(parts).sort((x, y) => y[1] - x[1])[0] ?? ['none', 0];
  return `${names[name] ?? name}, ${((100 * value) / total).toFixed(0)} % of ${usd(total)}`;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** Calls per 1 M validates against the original design's one LemonSqueezy + one OpenRouter call. */
function upstreamLine(pattern: PatternResult): string {
  const ls = MILLION * pattern.perValidate.lemonSqueezy;
  const or = MILLION * pattern.perValidate.openRouter;
  const avoided = (calls: number) =>
    calls < MILLION
      ? `avoided ${count(MILLION - calls)}`
      : `no saving, ${count(calls - MILLION)} more`;
  return (
    `Upstream calls per 1 M validates, pattern ${pattern.name} (every ${pattern.intervalSeconds} s): ` +
    `LemonSqueezy ${count(ls)} vs 1,000,000 in the original design (${avoided(ls)}); ` +
    `OpenRouter ${count(or)} vs 1,000,000 (${avoided(or)}). Neither API charges per call; ` +
    `LemonSqueezy's store-wide limit of 60 calls/min is the cost: 1 M calls need ≥ ${(MILLION / 60 / 60 / 24).toFixed(1)} days of it.`
  );
}

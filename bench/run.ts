import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { HOUR, MINUTE, SECOND } from '#local/manual-clock.ts';
import { measureBundles } from './bundles.ts';
import { writeCharts } from './charts.ts';
import { estimateCost } from './cost.ts';
import { measureFirstAnswer } from './first-answer.ts';
import { measureLatency } from './latency.ts';
import { measureLoad } from './load.ts';
import { renderMarkdown } from './report.ts';
import type { BenchResults } from './results.ts';
import { ORIGINAL_DESIGN_ENV, simulatePattern } from './simulated-day.ts';

/**
 * `pnpm bench`: one DynamoDB Local for the run, a fresh table per part. BENCH_QUICK=1 shrinks
 * every size for a smoke run; any size can be set on its own (BENCH_LICENSES=1000 …). Full runs
 * write bench/results.{json,md}; quick runs write to bench/tmp/ unless BENCH_OUT says otherwise.
 */
const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
const size = (name: string, full: number, small: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? (quick ? small : full) : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

/** A delay in ms: 0 is allowed (the double answers at once). */
const delayMs = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
};

const settings = {
  latency: {
    licenses: size('BENCH_LATENCY_LICENSES', 200, 40),
    rounds: size('BENCH_LATENCY_ROUNDS', 5, 2),
    perRound: size('BENCH_LATENCY_PER_ROUND', 400, 100),
    flowSamples: size('BENCH_FLOW_SAMPLES', 300, 30),
    // Rows (d) and (e): the 10-minute cadence on a simulated clock, upstreams answering late.
    cadence: {
      licenses: size('BENCH_CADENCE_LICENSES', 200, 40),
      intervalMinutes: size('BENCH_INTERVAL_MINUTES', 10, 10),
      rounds: size('BENCH_LATENCY_ROUNDS', 5, 2),
      perRound: size('BENCH_LATENCY_PER_ROUND', 400, 100),
      openRouterDelayMs: delayMs('BENCH_OPENROUTER_DELAY_MS', 80),
      lemonSqueezyDelayMs: delayMs('BENCH_LEMONSQUEEZY_DELAY_MS', 80),
      originalSamples: size('BENCH_ORIGINAL_SAMPLES', 200, 40),
    },
  },
  // Pattern A's full size (1,000 licenses) is 144,000 validates, each with a usage write: 6 to 9
  // minutes here, where DynamoDB Local manages 250 to 400 of them a second. 300 licenses give the
  // same per-validate rates (licenses behave alike, renewals are spread evenly) in about 2.
  patternA: {
    name: 'A',
    licenses: size('BENCH_LICENSES', 300, 40),
    intervalMs: size('BENCH_INTERVAL_MINUTES', 10, 10) * MINUTE,
    durationMs: size('BENCH_HOURS', 24, 4) * HOUR,
    concurrency: size('BENCH_CONCURRENCY', 16, 16),
  },
  patternB: {
    name: 'B',
    licenses: size('BENCH_CHATTY_LICENSES', 100, 20),
    intervalMs: size('BENCH_CHATTY_INTERVAL_SECONDS', 20, 20) * SECOND,
    durationMs: size('BENCH_CHATTY_HOURS', 1, 0.25) * HOUR,
    concurrency: size('BENCH_CONCURRENCY', 16, 16),
  },
  // The shipped RAVN Mail client: one validate an hour per device, each after a GET probe.
  patternC: {
    name: 'C',
    licenses: size('BENCH_CLIENT_LICENSES', 300, 40),
    intervalMs: size('BENCH_CLIENT_INTERVAL_MINUTES', 60, 60) * MINUTE,
    durationMs: size('BENCH_CLIENT_HOURS', 24, 4) * HOUR,
    concurrency: size('BENCH_CONCURRENCY', 16, 16),
    probe: true,
  },
  // Pattern A with the original design's TTLs (every validate asks LemonSqueezy and reads the
  // usage): its writes per validate, measured. Every validate writes, so a smaller run.
  original: {
    name: 'A, original design',
    licenses: size('BENCH_ORIGINAL_LICENSES', 40, 20),
    intervalMs: size('BENCH_INTERVAL_MINUTES', 10, 10) * MINUTE,
    durationMs: size('BENCH_ORIGINAL_HOURS', 4, 2) * HOUR,
    concurrency: size('BENCH_CONCURRENCY', 16, 16),
    env: ORIGINAL_DESIGN_ENV,
  },
  load: {
    licenses: size('BENCH_LOAD_LICENSES', 200, 40),
    requests: size('BENCH_LOAD_REQUESTS', 20_000, 2_000),
    connections: size('BENCH_LOAD_CONNECTIONS', 50, 50),
  },
  // Ratios to the floor bundle decide the init target: enough runs for a steady median.
  initRuns: size('BENCH_INIT_RUNS', 15, 3),
  firstAnswerRuns: size('BENCH_FIRST_ANSWER_RUNS', 15, 3),
};

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = process.env.BENCH_OUT || (quick ? `${root}bench/tmp` : `${root}bench`);

function step(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAverageAtStart = loadavg();
  step('starting DynamoDB Local');
  const dynamoDb = await startDynamoDbLocal();
  let results: BenchResults;
  try {
    step(
      '1/5 latency: GetItem vs handler vs HTTP, activate and trial, then the 10-minute cadence and the original design',
    );
    const latency = await measureLatency(dynamoDb.endpoint, settings.latency);
    step('2/5 simulated day: pattern A');
    const patternA = await simulatePattern(dynamoDb.endpoint, settings.patternA);
    step('2/5 simulated day: pattern B');
    const patternB = await simulatePattern(dynamoDb.endpoint, settings.patternB);
    step('2/5 simulated day: pattern C (the shipped client)');
    const patternC = await simulatePattern(dynamoDb.endpoint, settings.patternC);
    step('2/5 simulated day: pattern A with the original design (TTLs 0)');
    const original = await simulatePattern(dynamoDb.endpoint, settings.original);
    step('3/5 load: autocannon');
    const load = await measureLoad(dynamoDb.endpoint, settings.load);
    step('4/5 bundles and cold imports');
    const bundles = await measureBundles(settings.initRuns);
    step('4/5 first answer of a cold function against the floor');
    const firstAnswer = await measureFirstAnswer(dynamoDb.endpoint, settings.firstAnswerRuns);
    step('5/5 cost on paper');
    results = {
      meta: {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command: quick ? 'BENCH_QUICK=1 pnpm bench' : 'pnpm bench',
        quick,
        node: process.version,
        cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
        loadAverageAtStart,
      },
      latency,
      patterns: [patternA, patternB, patternC],
      originalDesign: original,
      load,
      bundles,
      firstAnswer,
      cost: estimateCost({
        latency,
        patterns: [patternA, patternB, patternC],
        original,
        validateInitMs: deployedValidateInit(bundles),
      }),
    };
  } finally {
    await dynamoDb.stop();
  }
  const markdown = renderMarkdown(results);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}/results.json`, `${JSON.stringify({ settings, ...results }, null, 2)}\n`);
  writeFileSync(`${outDir}/results.md`, markdown);
  const charts = writeCharts(results, outDir);
  process.stdout.write(`${markdown}\n`);
  step(`wrote ${outDir}/results.json, results.md and ${charts.join(', ')}`);
}

/** The deployed validate bundle's cold import, for the memory sweep's init estimate. */
function deployedValidateInit(bundles: Awaited<ReturnType<typeof measureBundles>>) {
  const validate = bundles.bundles.find((b) => b.deployed && b.entry === 'validate');
  return validate?.initAsDeployedMs;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

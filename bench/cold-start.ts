import { loadavg } from 'node:os';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { measureBundles } from './bundles.ts';
import { measureFirstAnswer } from './first-answer.ts';
import { coldStartRows } from './targets.ts';

/**
 * `pnpm exec tsx bench/cold-start.ts`: only the cold-start part of `pnpm bench` (bundles, cold imports against the
 * floor, the first answer), for working on start-up without the rest of the run. Prints the
 * cold-start targets and writes nothing. BENCH_INIT_RUNS and BENCH_FIRST_ANSWER_RUNS size it.
 */
const runs = (name: string, fallback: number) => {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return value;
};

async function main(): Promise<void> {
  const load = loadavg();
  const dynamoDb = await startDynamoDbLocal();
  try {
    const bundles = await measureBundles(runs('BENCH_INIT_RUNS', 15));
    const firstAnswer = await measureFirstAnswer(
      dynamoDb.endpoint,
      runs('BENCH_FIRST_ANSWER_RUNS', 15),
    );
    const lines = [
      `load average ${load.map((v) => v.toFixed(2)).join(' / ')} → ${loadavg()
        .map((v) => v.toFixed(2))
        .join(' / ')}`,
      `floor: ${(bundles.floor.bytes / 1024).toFixed(1)} KB, import ${bundles.floor.initMs.toFixed(2)} ms`,
      ...bundles.bundles
        .filter((b) => b.deployed)
        .map(
          (b) => `${b.entry}: ${(b.bytes / 1024).toFixed(1)} KB, import ${b.initMs.toFixed(2)} ms`,
        ),
      `first answer: ${JSON.stringify(firstAnswer)}`,
      ...coldStartRows(bundles, firstAnswer).map(
        (row) => `${row.met ? 'met' : 'NOT MET'} | ${row.target} | ${row.measured}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await dynamoDb.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench/cold-start.ts failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
});

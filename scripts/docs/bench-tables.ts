import { readFileSync } from 'node:fs';
import type { BenchResults } from '../../bench/results.ts';
import { kb, markdownTable, ms, ratio } from '../../bench/stats.ts';
import { targets } from '../../bench/targets.ts';
import { cell } from './markers.ts';

/** The committed figures of the last `pnpm bench` run. */
export const BENCH_RESULTS_FILE = new URL('../../bench/results.json', import.meta.url);

function benchResults(): BenchResults {
  return JSON.parse(readFileSync(BENCH_RESULTS_FILE, 'utf8')) as BenchResults;
}

/**
 * docs/deploy.md's table: each function as deployed (the variant lib/constructs/service-function.ts
 * builds), its bundle and its cold import against the floor bundle's (a DocumentClient and one
 * GetItem), from bench/results.json, in the benchmark's order.
 */
export function bundlesTable(results: BenchResults = benchResults()): string {
  const { floor, bundles } = results.bundles;
  return markdownTable(
    [
      'Function',
      'Bundle',
      'Read at cold import',
      'Besides the AWS SDK',
      'Cold import (median)',
      '÷ floor',
    ],
    bundles
      .filter((bundle) => bundle.deployed)
      .map((bundle) => [
        `\`ravn-${bundle.entry}\``,
        kb(bundle.bytes),
        kb(bundle.importBytes),
        kb(bundle.ownBytes),
        `${ms(bundle.initAsDeployedMs)} ms`,
        ratio(bundle.initAsDeployedMs / floor.initMs),
      ]),
  );
}

/**
 * docs/benchmark.md's table: the benchmark's targets, each with what the last run measured and
 * whether it was met, as bench/targets.ts decides them for bench/results.md.
 */
export function benchFiguresTable(results: BenchResults = benchResults()): string {
  return markdownTable(
    ['Target', 'Measured', 'Met'],
    targets(results).map((target) => [
      cell(target.target),
      cell(target.measured),
      target.met ? 'met' : '**not met**',
    ]),
  );
}

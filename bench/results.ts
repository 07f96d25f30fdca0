import type { BundleResult } from './bundles.ts';
import type { CostResult } from './cost.ts';
import type { FirstAnswerResult } from './first-answer.ts';
import type { LatencyResult } from './latency.ts';
import type { LoadResult } from './load.ts';
import type { PatternResult } from './simulated-day.ts';

/** What a benchmark run writes to bench/results.json; the report, targets and charts read it. */
export interface BenchResults {
  meta: {
    startedAt: string;
    finishedAt: string;
    command: string;
    quick: boolean;
    node: string;
    cpus: string;
    loadAverageAtStart: number[];
  };
  latency: LatencyResult;
  patterns: PatternResult[];
  /** Pattern A with the original design's TTLs (ORIGINAL_DESIGN_ENV): measured writes. */
  originalDesign: PatternResult;
  load: LoadResult;
  bundles: BundleResult;
  /** A cold function's first answer against the floor's (bench/first-answer.ts). */
  firstAnswer: FirstAnswerResult;
  cost: CostResult;
}

import { writeFileSync } from 'node:fs';
import { costChart } from './charts/cost-chart.ts';
import { latencyChart } from './charts/latency-chart.ts';
import { upstreamChart } from './charts/upstream-chart.ts';
import type { BenchResults } from './results.ts';

/**
 * The bench's pictures, plain SVG written next to results.md: each a standalone file (xmlns,
 * viewBox, sans-serif, no external reference) drawn from the results alone, so results.json
 * redraws the same bytes. Figures that JSON turned into null (NaN: no sample) are left out.
 */
export function writeCharts(results: BenchResults, outDir: string): string[] {
  const charts: Record<string, string> = {
    'latency.svg': latencyChart(results),
    'upstream-calls.svg': upstreamChart(results),
    'cost.svg': costChart(results),
  };
  for (const [name, svg] of Object.entries(charts)) writeFileSync(`${outDir}/${name}`, svg);
  return Object.keys(charts);
}

import type { CostResult } from './cost.ts';
import { markdownTable, ms, rate, usd } from './stats.ts';

/** Section 5 of results.md: the cost per 1 M validates, by part and per pattern, and the memory sweep. */
export function costTable(cost: CostResult): string {
  const b = cost.breakdowns;
  const money = (pick: (x: (typeof b)[number]) => number) => b.map((x) => usd(pick(x)));
  return markdownTable(
    ['per 1 M validates', ...b.map((x) => x.label)],
    [
      ['CloudFront (requests + method-guard function)', ...money((x) => x.perMillion.cloudFront)],
      ['Lambda requests', ...money((x) => x.perMillion.lambdaRequests)],
      ['Lambda compute', ...money((x) => x.perMillion.lambdaCompute)],
      ['DynamoDB reads', ...money((x) => x.perMillion.reads)],
      ['DynamoDB writes', ...money((x) => x.perMillion.writes)],
      ['**Total**', ...b.map((x) => `**${usd(x.perMillion.total)}**`)],
      [
        '… CloudFront requests / Lambda invocations per validate',
        ...b.map((x) => `${rate(x.basis.cloudFrontRequests)} / ${rate(x.basis.invocations)}`),
      ],
      ['… billed ms per validate (mean)', ...b.map((x) => ms(x.basis.billedMs))],
      ['… duration measured from', ...b.map((x) => x.basis.durationSource)],
      [
        '… DynamoDB writes / WRU per validate',
        ...b.map((x) => `${rate(x.basis.dynamoDbWrites)} / ${rate(x.basis.writeUnits)}`),
      ],
      [
        '… DynamoDB reads / RRU per validate',
        ...b.map((x) => `${rate(x.basis.dynamoDbReads)} / ${rate(x.basis.readUnits)}`),
      ],
      [
        '… LemonSqueezy / OpenRouter calls per validate',
        ...b.map((x) => `${rate(x.basis.lemonSqueezyCalls)} / ${rate(x.basis.openRouterCalls)}`),
      ],
    ],
  );
}

export function sweepTable(cost: CostResult): string {
  const { sweep } = cost;
  return markdownTable(
    [
      'Memory',
      'CPU scale',
      'est. duration ms',
      'billed ms',
      'compute',
      'compute + requests',
      'compute, pattern A (due validates included)',
      'cold import, same scaling (ms)',
    ],
    sweep.rows.map((row) => [
      `${row.memoryMb} MB${row.memoryMb === sweep.currentMb ? ' (deployed)' : ''}${row.memoryMb === sweep.cheapestMb ? ' **cheapest**' : ''}`,
      `${row.cpuScale.toFixed(2)}×`,
      ms(row.durationMs),
      String(row.billedMs),
      usd(row.computePerMillion),
      usd(row.withRequestsPerMillion),
      usd(row.patternAComputePerMillion),
      row.initMs === undefined ? 'n/a' : row.initMs.toFixed(0),
    ]),
  );
}

export function sweepText(cost: CostResult): string {
  const { sweep } = cost;
  const current = sweep.rows.find((row) => row.memoryMb === sweep.currentMb);
  const cheapest = sweep.rows.find((row) => row.memoryMb === sweep.cheapestMb);
  const total = cost.perMillion.total;
  const assumption = `Assumption: a validate's duration = its CPU part (handler p50 − GetItem p50 here, rows (b) and (a): ${ms(sweep.cpuMs)} ms, about one vCPU's worth on this machine) × max(1, 1769 / MB), as Lambda gives CPU in proportion to memory (a full vCPU at 1,769 MB), + its I/O part, an assumed ~${sweep.ioMs} ms GetItem in AWS, not scaled; billed per ms rounded up, $0.0000133334 per GB-s (arm64). The pattern A column adds its due validates (share ${rate(sweep.dueShare)}) with their measured extra ${ms(sweep.dueExtraMs)} ms (upstream waits, not scaled). The cold import is the deployed validate bundle's here, scaled alike (a rough guide to cold starts).`;
  if (!current || !cheapest) return assumption;
  const verdict =
    cheapest.memoryMb === current.memoryMb
      ? `${current.memoryMb} MB (deployed) is already the cheapest.`
      : `Cheapest: ${cheapest.memoryMb} MB, ${usd(sweep.savingPerMillion)} per 1 M validates less than ${current.memoryMb} MB (deployed), ${((100 * sweep.savingPerMillion) / total).toFixed(1)} % of pattern A's ${usd(total)}; its cold import would be about ${cheapest.initMs === undefined ? 'n/a' : cheapest.initMs.toFixed(0)} ms against ${current.initMs === undefined ? 'n/a' : current.initMs.toFixed(0)} ms. ${sweep.savingPerMillion / total < 0.05 ? `A saving this small does not pay for slower cold starts: keep ${current.memoryMb} MB.` : `Worth considering, after measuring cold starts at ${cheapest.memoryMb} MB in AWS.`}`;
  return `${assumption} ${verdict}`;
}

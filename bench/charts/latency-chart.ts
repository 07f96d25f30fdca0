import type { BenchResults } from '../results.ts';
import {
  COLORS,
  finite,
  fixed,
  heading,
  legend,
  line,
  logOffset,
  logRange,
  logTicks,
  niceBelow,
  rect,
  short,
  svgDocument,
  text,
  tickLabel,
} from './svg.ts';

interface LatencyRow {
  label: string;
  note: string;
  p50: unknown;
  p95: unknown;
  p99: unknown;
  max: unknown;
  colors: readonly string[];
  ratio?: unknown;
}

/**
 * Percentile bars on a log axis: p99 (lightest), p95 and p50 (darkest) overlaid from the axis
 * start, a whisker on to the slowest request (where the few due validates of (d) show), one row
 * per kind of request; the figures are printed in a column on the right.
 */
export function latencyChart(results: BenchResults): string {
  const { latency } = results;
  const { cadence, originalDesign } = latency;
  const delays = `LemonSqueezy +${cadence.delays.lemonSqueezyMs} ms, OpenRouter +${cadence.delays.openRouterMs} ms`;
  const rows: LatencyRow[] = [
    {
      label: '(a) bare GetItem',
      note: 'ConsistentRead on DynamoDB Local: the floor',
      ...latency.validate.getItem,
      colors: COLORS.getItem,
    },
    {
      label: '(b) validate, fresh cache',
      note: 'handler in-process, no upstream call',
      ...latency.validate.handler,
      colors: COLORS.ours,
      ratio: latency.validate.handler.p50 / latency.validate.getItem.p50,
    },
    {
      label: '(d) bare GetItem',
      note: 'interleaved with (d), on its stack',
      ...cadence.getItem,
      colors: COLORS.getItem,
    },
    {
      label: `(d) validate every ${cadence.intervalMinutes} min`,
      note: `${cadence.reachedUpstream} of ${cadence.validate.count} reached an upstream (due daily)`,
      ...cadence.validate,
      colors: COLORS.ours,
      ratio: cadence.ratioToGetItem,
    },
    {
      label: '(e) original design',
      note: '1 LemonSqueezy + 1 OpenRouter call each',
      ...originalDesign.validate,
      colors: COLORS.original,
      ratio: originalDesign.ratioToGetItem,
    },
  ];
  const values = rows.flatMap((row) => [row.p50, row.p95, row.p99, row.max]).filter(finite);
  // Bars start at the axis: a third of the fastest p50 leaves even that one a visible length.
  const min = niceBelow(Math.min(...values) / 3);
  const max = logRange(values)[1];
  const width = 1000;
  const left = 300;
  const figuresX = 735;
  const plotWidth = figuresX - 20 - left;
  const top = 92;
  const rowHeight = 56;
  const axisBottom = top + rows.length * rowHeight;
  const height = axisBottom + 78;
  const x = (value: number) => left + logOffset(value, min, max, plotWidth);
  const body: string[] = [
    ...heading('validate latency against a bare GetItem (ms, log scale)', [
      'Warm, real clock, wall time per request; DynamoDB Local, the sandbox doubles and the handlers share one 2-core machine.',
      `(d) and (e): simulated clock, each license validated every ${cadence.intervalMinutes} min; the upstream doubles answer after ${delays}.`,
    ]),
  ];
  for (const tick of logTicks(min, max)) {
    body.push(line(x(tick), top - 6, x(tick), axisBottom, COLORS.grid));
    body.push(text(x(tick), axisBottom + 16, tickLabel(tick), { anchor: 'middle', size: 11 }));
  }
  body.push(
    text(left + plotWidth / 2, axisBottom + 34, 'milliseconds per request', {
      anchor: 'middle',
      size: 12,
      fill: COLORS.muted,
    }),
  );
  rows.forEach((row, index) => {
    const y = top + index * rowHeight + 8;
    body.push(text(20, y + 14, row.label, { size: 13, weight: 'bold' }));
    body.push(text(20, y + 30, row.note, { size: 11, fill: COLORS.muted }));
    if (finite(row.p99) && finite(row.max) && row.max > row.p99) {
      body.push(line(x(row.p99), y + 16, x(row.max), y + 16, COLORS.muted));
      body.push(line(x(row.max), y + 9, x(row.max), y + 23, COLORS.muted));
    }
    const bars: Array<[unknown, string, string]> = [
      [row.p99, row.colors[2] as string, 'p99'],
      [row.p95, row.colors[1] as string, 'p95'],
      [row.p50, row.colors[0] as string, 'p50'],
    ];
    for (const [value, color, name] of bars) {
      if (!finite(value)) continue;
      const barHeight = name === 'p50' ? 16 : 24;
      const barY = y + (name === 'p50' ? 8 : 4);
      body.push(
        rect(
          left,
          barY,
          x(value) - left,
          barHeight,
          color,
          `${row.label} ${name}: ${short(value)} ms`,
        ),
      );
    }
    const percentiles = [
      `p50 ${short(row.p50 as number)}`,
      ...(finite(row.p95) ? [`p95 ${short(row.p95)}`] : []),
      ...(finite(row.p99) ? [`p99 ${short(row.p99)}`] : []),
    ];
    const figures = finite(row.p50) ? `${percentiles.join(' · ')} ms` : 'no sample';
    body.push(text(figuresX, y + 14, figures, { size: 12 }));
    const second = [
      finite(row.ratio) ? `p50 = ${fixed(row.ratio, 2)}× its GetItem` : '',
      finite(row.max) ? `max ${short(row.max)}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    body.push(text(figuresX, y + 30, second, { size: 11, fill: COLORS.muted }));
  });
  const legendY = height - 14;
  body.push(
    ...legend(20, legendY, [
      ['p50', COLORS.ours[0]],
      ['p95', COLORS.ours[1]],
      ['p99', COLORS.ours[2]],
    ]),
  );
  body.push(
    text(
      170,
      legendY,
      'whisker: to the slowest request · grey: bare GetItem · blue: this service · orange: the original design',
      {
        size: 11,
        fill: COLORS.muted,
      },
    ),
  );
  return svgDocument(width, height, 'validate latency against a bare GetItem', body);
}

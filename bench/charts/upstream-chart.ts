import type { BenchResults } from '../results.ts';
import {
  COLORS,
  heading,
  legend,
  line,
  logOffset,
  logRange,
  logTicks,
  minutes,
  rect,
  short,
  svgDocument,
  text,
  tickLabel,
} from './svg.ts';

/**
 * Grouped bars on a log axis: LemonSqueezy calls, OpenRouter calls and DynamoDB writes per
 * validate, for patterns A and C (measured) and the original design (its one LemonSqueezy and
 * one OpenRouter call per validate; its writes measured with our handlers at TTL 0).
 */
export function upstreamChart(results: BenchResults): string {
  const a = results.patterns.find((p) => p.name === 'A');
  const c = results.patterns.find((p) => p.name === 'C');
  const original = results.originalDesign;
  const series = [
    ...(a
      ? [{ name: `A: every ${minutes(a.intervalSeconds)}`, pattern: a, color: COLORS.seriesA }]
      : []),
    ...(c
      ? [
          {
            name: `C: every ${minutes(c.intervalSeconds)} (the shipped client)`,
            pattern: c,
            color: COLORS.seriesC,
          },
        ]
      : []),
  ];
  const groups = ['LemonSqueezy calls', 'OpenRouter calls', 'DynamoDB writes'];
  const values: Array<Array<{ value: number; color: string; name: string }>> = groups.map(
    (_, group) => [
      ...series.map((s) => ({
        name: s.name,
        color: s.color,
        value: [
          s.pattern.perValidate.lemonSqueezy,
          s.pattern.perValidate.openRouter,
          s.pattern.perValidate.dynamoDbWrites,
        ][group] as number,
      })),
      {
        name: 'original design',
        color: COLORS.seriesOriginal,
        value: [1, original.perValidate.openRouter, original.perValidate.dynamoDbWrites][
          group
        ] as number,
      },
    ],
  );
  const all = values.flat().map((bar) => bar.value);
  const [min, max] = logRange([...all, 0.1]);
  const width = 900;
  const height = 500;
  const left = 70;
  const top = 90;
  const plotHeight = 290;
  const plotWidth = width - left - 30;
  const bottom = top + plotHeight;
  const y = (value: number) => bottom - logOffset(value, min, max, plotHeight);
  const body: string[] = [
    ...heading('Upstream calls and DynamoDB writes per validate (log scale)', [
      'Measured over simulated days: ManualClock, handlers in-process, DynamoDB requests counted at a proxy.',
      'Dashed: the 0.1 per validate target for OpenRouter calls and DynamoDB writes.',
    ]),
  ];
  // Powers of ten only: the bars span four decades or so.
  for (const tick of logTicks(min, max).filter((t) => Number.isInteger(Math.log10(t)))) {
    body.push(line(left, y(tick), left + plotWidth, y(tick), COLORS.grid));
    body.push(text(left - 8, y(tick) + 4, tickLabel(tick), { anchor: 'end', size: 11 }));
  }
  body.push(line(left, y(0.1), left + plotWidth, y(0.1), COLORS.seriesOriginal, '6 4'));
  body.push(line(left, bottom, left + plotWidth, bottom, COLORS.muted));
  const groupWidth = plotWidth / groups.length;
  const barWidth = Math.min(56, (groupWidth - 40) / (series.length + 1));
  groups.forEach((group, index) => {
    const bars = values[index] ?? [];
    const start = left + index * groupWidth + (groupWidth - bars.length * barWidth) / 2;
    bars.forEach((bar, position) => {
      const x = start + position * barWidth;
      if (bar.value > 0) {
        const barTop = y(Math.max(bar.value, min));
        body.push(
          rect(
            x + 3,
            barTop,
            barWidth - 6,
            bottom - barTop,
            bar.color,
            `${group}, ${bar.name}: ${short(bar.value)} per validate`,
          ),
        );
        body.push(
          text(x + barWidth / 2, barTop - 5, short(bar.value), {
            anchor: 'middle',
            size: 11,
            weight: 'bold',
          }),
        );
      } else {
        body.push(
          text(x + barWidth / 2, bottom - 5, '0', { anchor: 'middle', size: 11, weight: 'bold' }),
        );
      }
    });
    body.push(
      text(left + index * groupWidth + groupWidth / 2, bottom + 20, `${group} per validate`, {
        anchor: 'middle',
        size: 13,
      }),
    );
  });
  const legendItems: Array<[string, string]> = [
    ...series.map((s): [string, string] => [s.name, s.color]),
    ['original design', COLORS.seriesOriginal],
  ];
  body.push(...legend(left, bottom + 50, legendItems, 12));
  body.push(
    text(
      left,
      bottom + 76,
      'Original design: 1 LemonSqueezy + 1 OpenRouter call per validate (its description); its writes',
      { size: 11, fill: COLORS.muted },
    ),
    text(
      left,
      bottom + 91,
      `measured with our handlers at TTL 0 (pattern A, ${original.licenses} licenses for ${original.simulatedHours} h of simulated time).`,
      { size: 11, fill: COLORS.muted },
    ),
  );
  return svgDocument(width, height, 'Upstream calls and DynamoDB writes per validate', body);
}

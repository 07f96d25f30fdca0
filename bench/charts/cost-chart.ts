import type { BenchResults } from '../results.ts';
import { COLORS, heading, line, rect, svgDocument, text } from './svg.ts';

/** Stacked bars per 1 M validates, by part, with their totals and the $1.50 target. */
export function costChart(results: BenchResults): string {
  const { cost } = results;
  const parts = [
    ['CloudFront', 'cloudFront'],
    ['Lambda requests', 'lambdaRequests'],
    ['Lambda compute', 'lambdaCompute'],
    ['DynamoDB reads', 'reads'],
    ['DynamoDB writes', 'writes'],
  ] as const;
  const bars = cost.breakdowns.map((b) => ({
    label: b.name === 'original' ? 'original design' : `ours, pattern ${b.name}`,
    sub:
      b.name === 'A'
        ? 'every 10 min'
        : b.name === 'C'
          ? 'hourly + GET probe'
          : '1 LS + 1 OR call each',
    perMillion: b.perMillion,
  }));
  const maxTotal = Math.max(cost.target, ...bars.map((bar) => bar.perMillion.total));
  const step = maxTotal > 4 ? 1 : 0.5;
  const top = Math.ceil((maxTotal * 1.08) / step) * step;
  const width = 900;
  const height = 500;
  const left = 70;
  const plotTop = 96;
  const plotHeight = 300;
  const bottom = plotTop + plotHeight;
  const plotWidth = 520;
  const y = (value: number) => bottom - (value / top) * plotHeight;
  const body: string[] = [
    ...heading('Cost per 1 M validates on AWS, on paper (USD)', [
      `List prices ${cost.prices.region}; DynamoDB requests and capacity units measured per validate;`,
      `Lambda arm64 ${cost.prices.memoryMb} MB at the billed ms measured here. Dashed: the $${cost.target.toFixed(2)} target (pattern A).`,
    ]),
  ];
  for (let tick = 0; tick <= top + 1e-9; tick += step) {
    body.push(line(left, y(tick), left + plotWidth, y(tick), COLORS.grid));
    body.push(text(left - 8, y(tick) + 4, `$${tick.toFixed(2)}`, { anchor: 'end', size: 11 }));
  }
  const slot = plotWidth / bars.length;
  const barWidth = Math.min(110, slot - 40);
  bars.forEach((bar, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    let base = 0;
    parts.forEach(([name, key], part) => {
      const value = bar.perMillion[key];
      const color = COLORS.parts[part] as string;
      body.push(
        rect(
          x,
          y(base + value),
          barWidth,
          y(base) - y(base + value),
          color,
          `${bar.label}, ${name}: $${value.toFixed(4)}`,
        ),
      );
      if (y(base) - y(base + value) >= 15) {
        body.push(
          text(
            x + barWidth / 2,
            y(base + value / 2) + 4,
            `$${value.toFixed(value < 0.1 ? 3 : 2)}`,
            {
              anchor: 'middle',
              size: 11,
              fill: '#ffffff',
              weight: 'bold',
            },
          ),
        );
      }
      base += value;
    });
    body.push(
      text(x + barWidth / 2, y(base) - 6, `$${bar.perMillion.total.toFixed(3)}`, {
        anchor: 'middle',
        size: 13,
        weight: 'bold',
      }),
    );
    body.push(
      text(x + barWidth / 2, bottom + 18, bar.label, {
        anchor: 'middle',
        size: 12,
        weight: 'bold',
      }),
    );
    body.push(
      text(x + barWidth / 2, bottom + 33, bar.sub, {
        anchor: 'middle',
        size: 11,
        fill: COLORS.muted,
      }),
    );
  });
  body.push(
    line(left, y(cost.target), left + plotWidth, y(cost.target), COLORS.seriesOriginal, '6 4'),
    text(left + plotWidth + 6, y(cost.target) + 4, `target $${cost.target.toFixed(2)}`, {
      size: 11,
      fill: COLORS.seriesOriginal,
    }),
  );
  body.push(line(left, bottom, left + plotWidth, bottom, COLORS.muted));
  // Legend, top part first as stacked.
  const legendX = left + plotWidth + 100;
  [...parts].reverse().forEach(([name], index) => {
    const part = parts.length - 1 - index;
    const ly = plotTop + 20 + index * 22;
    body.push(rect(legendX, ly - 10, 14, 14, COLORS.parts[part] as string));
    body.push(text(legendX + 20, ly + 2, name, { size: 12 }));
  });
  body.push(
    text(legendX, plotTop + 20 + parts.length * 22 + 10, 'Not included: WAF, data', {
      size: 11,
      fill: COLORS.muted,
    }),
  );
  body.push(
    text(legendX, plotTop + 20 + parts.length * 22 + 24, 'transfer, logs, free tiers.', {
      size: 11,
      fill: COLORS.muted,
    }),
  );
  body.push(
    text(
      left,
      bottom + 62,
      'CloudFront: $0.01 per 10k HTTPS requests + $0.10 per 1M method-guard function runs; pattern C also pays its GET probe.',
      {
        size: 11,
        fill: COLORS.muted,
      },
    ),
  );
  return svgDocument(width, height, 'Cost per 1 M validates', body);
}

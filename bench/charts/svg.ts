import { rate } from '../stats.ts';

/** The SVG primitives the bench's charts are drawn with: text, shapes, log axes, legends. */
export const COLORS = {
  ink: '#1f2933',
  muted: '#52606d',
  grid: '#d9e2ec',
  getItem: ['#9aa5b1', '#cbd2d9', '#e4e7eb'],
  ours: ['#1d5fa8', '#6fa3dc', '#bcd6f2'],
  original: ['#c2410c', '#f08a4b', '#fbd0b0'],
  seriesA: '#1d5fa8',
  seriesC: '#2f9e8f',
  seriesOriginal: '#c2410c',
  parts: ['#7b5ea7', '#9aa5b1', '#1d5fa8', '#2f9e8f', '#e0a526'],
} as const;

export const finite = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

export const xmlEscape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export const fixed = (value: number, digits = 1) => Number(value.toFixed(digits)).toString();

/** A short number for a label: 0.0073, 1.13, 82.4, 1,250. */
export function short(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return fixed(value, 1);
  return rate(Number(value.toPrecision(3)));
}

export function text(
  x: number,
  y: number,
  content: string,
  options: {
    anchor?: 'start' | 'middle' | 'end';
    size?: number;
    weight?: string;
    fill?: string;
  } = {},
): string {
  const anchor = options.anchor ?? 'start';
  return `<text x="${fixed(x)}" y="${fixed(y)}" text-anchor="${anchor}" font-size="${options.size ?? 12}"${options.weight ? ` font-weight="${options.weight}"` : ''} fill="${options.fill ?? COLORS.ink}">${xmlEscape(content)}</text>`;
}

export function rect(
  x: number,
  y: number,
  width: number,
  height: number,
  fill: string,
  title?: string,
) {
  const tip = title ? `<title>${xmlEscape(title)}</title>` : '';
  return `<rect x="${fixed(x)}" y="${fixed(y)}" width="${fixed(Math.max(0, width))}" height="${fixed(Math.max(0, height))}" fill="${fill}">${tip}</rect>`;
}

export const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, dash = '') =>
  `<line x1="${fixed(x1)}" y1="${fixed(y1)}" x2="${fixed(x2)}" y2="${fixed(y2)}" stroke="${stroke}" stroke-width="1"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;

export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img" aria-label="${xmlEscape(title)}">`,
    `<title>${xmlEscape(title)}</title>`,
    rect(0, 0, width, height, '#ffffff'),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Log-scale ticks (1, 2, 5 per decade) from `min` to `max`. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  const first = Math.floor(Math.log10(min) + 1e-9);
  for (let exponent = first; exponent <= Math.ceil(Math.log10(max) - 1e-9); exponent += 1) {
    for (const step of [1, 2, 5]) {
      const value = Number((step * 10 ** exponent).toPrecision(6));
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

/** The largest 1, 2 or 5 × 10^k at or below `value`. */
export function niceBelow(value: number): number {
  const decade = 10 ** Math.floor(Math.log10(value));
  const step = [5, 2, 1].find((candidate) => candidate * decade <= value * (1 + 1e-9)) ?? 1;
  return Number((step * decade).toPrecision(6));
}

/** A log axis from a power of ten at or below the smallest value to one at or above the largest. */
export function logRange(values: number[]): [number, number] {
  const positive = values.filter((value) => finite(value) && value > 0);
  const low = Math.min(...positive);
  const high = Math.max(...positive);
  return [10 ** Math.floor(Math.log10(low)), 10 ** Math.ceil(Math.log10(high))];
}

export const tickLabel = (value: number) =>
  value >= 1 ? value.toLocaleString('en-US') : Number(value.toPrecision(1)).toString();

/** A row of colour swatches with their names; `size` is the font size in px. */
export function legend(
  x: number,
  y: number,
  items: Array<[string, string]>,
  size: 11 | 12 = 11,
): string[] {
  const out: string[] = [];
  let cursor = x;
  for (const [name, color] of items) {
    out.push(rect(cursor, y - 10, 12, 12, color));
    out.push(text(cursor + 16, y, name, { size }));
    // Room for the name at this size (an average glyph width), then a gap.
    cursor += size === 11 ? 26 + name.length * 7 : 34 + name.length * 6.6;
  }
  return out;
}

/** `90` → `90 s`, `600` → `10 min`. */
export const minutes = (seconds: number) =>
  seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

/** How far `value` lies along a log axis from `min` to `max` that is `length` px long. */
export const logOffset = (value: number, min: number, max: number, length: number) =>
  ((Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) * length;

/** A chart's title, in bold, and the lines that explain it, muted, one under the other. */
export function heading(title: string, lines: string[]): string[] {
  return [
    text(20, 28, title, { size: 17, weight: 'bold' }),
    ...lines.map((line, index) =>
      text(20, 48 + 16 * index, line, { size: 12, fill: COLORS.muted }),
    ),
  ];
}

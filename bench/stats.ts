/** Latency summaries and the Markdown tables the benchmark prints and writes. */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile on sorted samples: always a value that was actually measured. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    mean: sorted.length ? total / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/**
 * Mean of the durations rounded up to the millisecond, as Lambda bills each invocation
 * (NaN for none).
 */
export function billedMs(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  return samples.reduce((sum, value) => sum + Math.ceil(value), 0) / samples.length;
}

export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

/** Milliseconds with two decimals: sub-millisecond differences matter against DynamoDB Local. */
export const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');

export const ratio = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';

/** Per-request rates are tiny; four significant digits keep 0.0069 and 1.000 both readable. */
export const rate = (value: number): string =>
  Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : 'n/a';

export const usd = (value: number): string =>
  `$${value < 0.01 ? value.toFixed(6) : value.toFixed(4)}`;

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>) {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Runs `work` over `items` with at most `limit` in flight, results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

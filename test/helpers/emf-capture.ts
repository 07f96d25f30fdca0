import { SERVICE_DIMENSION } from '#config/metrics.ts';

type Write = typeof process.stdout.write;

/** One embedded-metric-format document as the functions write it (one line on stdout). */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [key: string]: unknown;
}

/**
 * Collects the EMF lines written to stdout until `restore()`, passing every write on unchanged
 * (the per-file secret check in log-check.setup.ts reads them too).
 */
export function captureEmf() {
  const original = process.stdout.write;
  const chunks: string[] = [];
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    chunks.push(
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'),
    );
    return (original as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as Write;
  const documents = (): EmfDocument[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line) as EmfDocument);
  return {
    documents,
    /** The text of every EMF line, for what must never appear in one. */
    text: () =>
      documents()
        .map((document) => JSON.stringify(document))
        .join('\n'),
    /**
     * The sum of metric `name` over the documents whose dimensions are exactly `service` plus
     * `dimensions`, with these values.
     */
    value(name: string, dimensions: Record<string, string> = {}): number {
      const wanted = [SERVICE_DIMENSION, ...Object.keys(dimensions)].sort().join(',');
      let sum = 0;
      for (const document of documents()) {
        const [directive] = document._aws.CloudWatchMetrics;
        if (!directive?.Metrics.some((metric) => metric.Name === name)) continue;
        const sets = directive.Dimensions.map((set) => [...set].sort().join(','));
        const matches = Object.entries(dimensions).every(([key, v]) => document[key] === v);
        if (sets.includes(wanted) && matches) sum += Number(document[name]);
      }
      return sum;
    },
    /** The sum of the dimensionless total of metric `name` (config/metrics.ts, `total`). */
    total(name: string): number {
      let sum = 0;
      for (const document of documents()) {
        const [directive] = document._aws.CloudWatchMetrics;
        if (!directive?.Metrics.some((metric) => metric.Name === name)) continue;
        if (directive.Dimensions.some((set) => set.length === 0)) sum += Number(document[name]);
      }
      return sum;
    },
    restore: () => {
      process.stdout.write = original;
    },
  };
}

import type { CountMetric, DimensionArgs, UsdMetric } from '#config/metrics.ts';

/**
 * What the services report of their business (config/metrics.ts lists every metric). Recording
 * is synchronous and never fails a request; the adapter publishes once per invocation. Dimension
 * values are codes and names only: never a license, key, email or device.
 */
export interface ServiceMetrics {
  /** One occurrence of `name`, with each of its dimensions. */
  count<N extends CountMetric>(name: N, ...dimensions: DimensionArgs<N>): void;
  /** `value` dollars added to `name`. */
  usd(name: UsdMetric, value: number): void;
}

/** Metrics nobody reads (a script, a test that builds a client on its own). */
export const noMetrics: ServiceMetrics = {
  count: () => undefined,
  usd: () => undefined,
};

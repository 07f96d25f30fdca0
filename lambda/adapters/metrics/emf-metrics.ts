import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import {
  type CountMetric,
  type DimensionArgs,
  METRICS,
  METRICS_NAMESPACE,
  type MetricName,
  SERVICE_DIMENSION,
  type UsdMetric,
} from '#config/metrics.ts';
import type { ServiceLogger } from '#ports/logger.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';

/** The values recorded for one set of dimension values since the last flush. */
interface Pending {
  dimensions: Record<string, string>;
  total: boolean;
  values: Map<MetricName, number>;
}

/**
 * ServiceMetrics through Powertools Metrics: embedded metric format lines on stdout, which
 * CloudWatch Logs turns into metrics (no PutMetricData call, nothing added to a request's
 * latency but a line of output). Values are summed here until `flush`, which the Lambda entry
 * (and the local server) calls once per invocation: one line per set of dimension values.
 */
export class EmfMetrics implements ServiceMetrics {
  private readonly metrics: Metrics;
  private readonly service: Readonly<Record<string, string>>;
  private readonly pending = new Map<string, Pending>();

  /** `service`: the function's name, the `service` dimension of every metric. */
  constructor(
    service: string,
    // Powertools' own warnings (a dimension it refused) go to our logger: JSON like ours.
    private readonly logger: ServiceLogger & { debug: ServiceLogger['info'] },
  ) {
    this.metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, logger });
    // Powertools puts `service` in every dimension set; a total must have none, so `service` is
    // added to each set here instead.
    this.metrics.clearDefaultDimensions();
    this.service = { [SERVICE_DIMENSION]: service };
  }

  count<N extends CountMetric>(name: N, ...dimensions: DimensionArgs<N>): void {
    this.add(name, dimensions[0] ?? {}, 1);
  }

  usd(name: UsdMetric, value: number): void {
    if (Number.isFinite(value)) this.add(name, {}, value);
  }

  /** Publishes what was recorded since the last flush. Never throws: a metric fails no request. */
  flush(): void {
    if (this.pending.size === 0) return;
    try {
      for (const group of this.pending.values()) this.publish(group);
    } catch (error) {
      // Nothing half-added may ride along with the next invocation's metrics.
      this.metrics.clearMetrics();
      this.metrics.clearDimensions();
      this.logger.warn('metrics not published', {
        reason: error instanceof Error ? error.name : typeof error,
      });
    } finally {
      this.pending.clear();
    }
  }

  private add(name: MetricName, dimensions: Readonly<Record<string, string>>, value: number) {
    const total = 'total' in METRICS[name];
    const key = JSON.stringify([total, dimensions]);
    let group = this.pending.get(key);
    if (!group) {
      group = { dimensions: { ...dimensions }, total, values: new Map() };
      this.pending.set(key, group);
    }
    group.values.set(name, (group.values.get(name) ?? 0) + value);
  }

  private publish(group: Pending): void {
    this.metrics.addDimensions({ ...this.service, ...group.dimensions });
    // The empty set: the same values counted once more with no dimension (a deployment total).
    if (group.total) this.metrics.addDimensions({});
    for (const [name, value] of group.values) {
      this.metrics.addMetric(name, METRICS[name].unit as MetricUnit, value);
    }
    this.metrics.publishStoredMetrics();
  }
}

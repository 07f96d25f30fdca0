import type { DynamoDbLicenseStore } from '#adapters/dynamodb/license-store.ts';
import type { DynamoDbNegativeCache } from '#adapters/dynamodb/negative-cache.ts';
import type { DynamoDbTrialStore } from '#adapters/dynamodb/trial-store.ts';
import type { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store.ts';
import type { ProductsConfig } from '#config/products-schema.ts';
import type { UpstreamTrouble } from '#domain/upstream-trouble.ts';
import type { AuditTrail } from '#ports/audit-trail.ts';
import type { Clock } from '#ports/clock.ts';
import type { KeyProvisioner } from '#ports/key-provisioner.ts';
import type { LicenseProvider } from '#ports/license-provider.ts';
import type { ServiceLogger } from '#ports/logger.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';
import type { RateLimiter } from '#ports/rate-limiter.ts';
import type { ServicePolicy } from './service-policy.ts';

/** Everything a service function needs, built once per cold start by `createDeps`. */
export interface ServiceDeps {
  store: DynamoDbLicenseStore;
  trials: DynamoDbTrialStore;
  webhooks: DynamoDbWebhookStore;
  /** The in-app rate limits (`unlimited` with `RATE_LIMITS=off`). */
  limiter: RateLimiter;
  /** LemonSqueezy's refusals of keys we do not hold, remembered for a while. */
  negativeCache: DynamoDbNegativeCache;
  /** LemonSqueezy for work on licenses we hold (refreshes, seats, deactivations). */
  provider: LicenseProvider;
  /**
   * LemonSqueezy for the first question about a key we never stored (a first activation): a
   * smaller share of the store-wide budget, so unknown keys cannot starve known licenses.
   */
  firstContact: LicenseProvider;
  /**
   * LemonSqueezy for a validate's refresh while no upstream failed lately: the license's stored
   * timestamps bound how often it can ask (one refresh per status TTL), so the call counts only
   * against the store-wide share and its license's own share is not written (a validate stays
   * within its write budget). After a failure the refresh uses `provider`, whose share counts.
   */
  timestampBound: LicenseProvider;
  keys: KeyProvisioner;
  clock: Clock;
  products: ProductsConfig;
  policy: ServicePolicy;
  logger: ServiceLogger;
  /** Business metrics (config/metrics.ts); published once per invocation by the entry point. */
  metrics: ServiceMetrics;
  /** The audit trail of automatic actions that change money or seats. */
  audit: AuditTrail;
  /** Whether an upstream call failed lately in this instance (memory only). */
  upstreamTrouble: UpstreamTrouble;
}

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDbAdminStore } from '#adapters/dynamodb/admin-store.ts';
import { createDynamoDbClients } from '#adapters/dynamodb/client.ts';
import { DynamoDbIdempotencyStore } from '#adapters/dynamodb/idempotency-store.ts';
import { DynamoDbLicenseStore } from '#adapters/dynamodb/license-store.ts';
import { DynamoDbNegativeCache } from '#adapters/dynamodb/negative-cache.ts';
import { DynamoDbRateLimiter } from '#adapters/dynamodb/rate-limits.ts';
import { DynamoDbSystemAudit } from '#adapters/dynamodb/system-audit.ts';
import { DynamoDbTrialStore } from '#adapters/dynamodb/trial-store.ts';
import { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store.ts';
import {
  BudgetedLicenseProvider,
  type BudgetPriority,
  budgetLimit,
} from '#adapters/lemonsqueezy/budgeted-provider.ts';
import { LemonSqueezyClient } from '#adapters/lemonsqueezy/lemonsqueezy-client.ts';
import { EmfMetrics } from '#adapters/metrics/emf-metrics.ts';
import { OpenRouterClient } from '#adapters/openrouter/openrouter-client.ts';
import { SigningKeys } from '#adapters/signing/signing-keys.ts';
import { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { UpstreamTrouble } from '#domain/upstream-trouble.ts';
import type { Clock } from '#ports/clock.ts';
import { systemClock } from '#ports/clock.ts';
import { unlimited } from '#ports/rate-limiter.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import type { ServiceConfig } from './config.ts';

export interface AppDeps extends ServiceDeps {
  secrets: ConfiguredSecrets;
  logger: Logger;
  /** The services' metrics, which the entry point flushes once per invocation. */
  metrics: EmfMetrics;
  /** `Idempotency-Key` records: an HTTP concern, so the services never see it. */
  idempotency: DynamoDbIdempotencyStore;
  /** The lease signing key set: an HTTP concern too (the lease signs the wire body). */
  signingKeys: SigningKeys;
  /** Audit records, the email index and trial claims: read and written by the admin function only. */
  admin: DynamoDbAdminStore;
}

/**
 * The only place adapters are built. Lambda handlers call it once per cold start; the local
 * server and the tests call it with DynamoDB Local and the sandbox upstreams' URLs, so every
 * run goes through the same code. `clock` is the one thing tests may replace.
 */
export function createDeps(
  config: ServiceConfig,
  options: { clock?: Clock; logger?: Logger } = {},
): AppDeps {
  const logger =
    options.logger ?? new Logger({ serviceName: 'ravn-activate', logLevel: config.logLevel });
  const secrets = new ConfiguredSecrets(config.secrets, config.secretsCacheSeconds);
  const { documents } = createDynamoDbClients({
    region: config.region,
    endpoint: config.dynamoDbEndpoint,
    ...config.dynamoDbClient,
  });
  const clock = options.clock ?? systemClock;
  const metrics = new EmfMetrics(config.functionName, logger);
  const admin = new DynamoDbAdminStore(documents, config.tableName);
  const lemonSqueezy = new LemonSqueezyClient({
    baseUrl: config.lemonSqueezyBaseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    apiKey: () => secrets.get('lemonsqueezyApiKey'),
    metrics,
  });
  // The store-wide budget counts even when RATE_LIMITS=off; a license's own share is a rate
  // limit (on with them, whether or not the budget is).
  const counters = new DynamoDbRateLimiter(documents, config.tableName);
  const budget = config.lemonSqueezyBudget;
  const { enabled, licenseUpstream } = config.policy.rateLimits;
  const withBudget = (priority: BudgetPriority, licenseShare = enabled) => {
    const shares = {
      perLicense: licenseShare ? licenseUpstream : undefined,
      store: budget ? budgetLimit(priority, budget) : undefined,
    };
    if (!shares.perLicense && !shares.store) return lemonSqueezy;
    return new BudgetedLicenseProvider(lemonSqueezy, counters, shares, clock, {
      metrics,
      priority,
    });
  };
  return {
    store: new DynamoDbLicenseStore(documents, config.tableName),
    trials: new DynamoDbTrialStore(documents, config.tableName),
    webhooks: new DynamoDbWebhookStore(documents, config.tableName),
    limiter: config.policy.rateLimits.enabled ? counters : unlimited,
    negativeCache: new DynamoDbNegativeCache(documents, config.tableName),
    provider: withBudget('known'),
    firstContact: withBudget('first-contact'),
    timestampBound: withBudget('known', false),
    keys: new OpenRouterClient({
      baseUrl: config.openRouterBaseUrl,
      timeoutMs: config.upstreamTimeoutMs,
      managementKey: () => secrets.get('openrouterManagementKey'),
      metrics,
    }),
    clock,
    products: config.products,
    policy: config.policy,
    logger,
    metrics,
    secrets,
    idempotency: new DynamoDbIdempotencyStore(documents, config.tableName),
    signingKeys: new SigningKeys(secrets, logger, config.secretsCacheSeconds * 1000),
    admin,
    upstreamTrouble: new UpstreamTrouble(),
    audit: new DynamoDbSystemAudit(
      admin,
      `system:${config.functionName}`,
      config.auditRetentionDays,
      clock,
      logger,
    ),
  };
}

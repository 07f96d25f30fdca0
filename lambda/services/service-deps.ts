import type { DynamoDbLicenseStore } from '#adapters/dynamodb/license-store.ts';
import type { DynamoDbTrialStore } from '#adapters/dynamodb/trial-store.ts';
import type { DynamoDbWebhookStore } from '#adapters/dynamodb/webhook-store.ts';
import type { ProductsConfig } from '#config/products-schema.ts';
import type { ServicePolicy } from '#lambda/config.ts';
import type { Clock } from '#ports/clock.ts';
import type { KeyProvisioner } from '#ports/key-provisioner.ts';
import type { LicenseProvider } from '#ports/license-provider.ts';

/** Structured logging as the services need it (Powertools Logger fits). Never pass secrets. */
export interface ServiceLogger {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/** Everything a service function needs, built once per cold start by `createDeps`. */
export interface ServiceDeps {
  store: DynamoDbLicenseStore;
  trials: DynamoDbTrialStore;
  webhooks: DynamoDbWebhookStore;
  provider: LicenseProvider;
  keys: KeyProvisioner;
  clock: Clock;
  products: ProductsConfig;
  policy: ServicePolicy;
  logger: ServiceLogger;
}

import type { ProductsConfig } from '#config/products-schema.ts';
import type { Clock } from '#ports/clock.ts';
import type { KeyProvisioner } from '#ports/key-provisioner.ts';
import type { LicenseProvider } from '#ports/license-provider.ts';
import type { LicenseStore } from '#ports/license-store.ts';
import type { TrialStore } from '#ports/trial-store.ts';
import type { WebhookStore } from '#ports/webhook-store.ts';

/** Structured logging as the services need it (Powertools Logger fits). Never pass secrets. */
export interface ServiceLogger {
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/** The knobs of the service's behaviour, from runtime config. */
export interface ServicePolicy {
  /** How long a LemonSqueezy status is trusted before validate asks again. */
  statusTtlMs: number;
  /** How long a stored status may still be served while LemonSqueezy is unreachable. */
  statusGraceMs: number;
  /** How long a key's `limit_remaining` is cached before OpenRouter is asked again. */
  usageTtlMs: number;
  /** After this long, a device claim whose holder never finished may be taken over. */
  activationLeaseMs: number;
  /** How long a request waits for a parallel activation of the same device to finish. */
  activationWaitMs: number;
  /** Accept LemonSqueezy test-mode keys (sandbox/staging only). */
  allowTestMode: boolean;
  /** Carried in every OpenRouter key name; the reaper only touches keys with its own (I6). */
  deploymentId: string;
}

/** Everything a service function needs, built once per cold start by `createDeps`. */
export interface ServiceDeps {
  store: LicenseStore;
  trials: TrialStore;
  webhooks: WebhookStore;
  provider: LicenseProvider;
  keys: KeyProvisioner;
  clock: Clock;
  products: ProductsConfig;
  policy: ServicePolicy;
  logger: ServiceLogger;
}

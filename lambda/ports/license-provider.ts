import type { LicenseStatus, ProviderLicense } from '#domain/license.ts';
import type { Subscription } from '#domain/subscription.ts';

export interface ProviderInstance {
  id: string;
  name: string;
}

/**
 * An order as LemonSqueezy's REST API shows it now, read the way an `order_refunded` webhook is
 * (`fullRefund`: `refunded`, or status `refunded`; a partial refund leaves the order `paid`).
 */
export interface ProviderOrder {
  orderId: number;
  storeId: number;
  status: string;
  fullRefund: boolean;
  /** `refunded_at`, else `updated_at`: when the refund was made, as the webhook would say. */
  refundedAt: string;
  testMode: boolean;
}

/**
 * A refusal LemonSqueezy sent bare (`{"activated": false, "error": "…"}`, no `license_key` or
 * `meta`), read from its status and message (docs/upstreams.md, "Refusals sent bare"): the key has
 * reached its activation limit (activate), or the instance named is gone (validate with an instance
 * id).
 */
export type BareRefusal = 'activation-limit' | 'instance-gone';

/**
 * What LemonSqueezy answered to validate/activate: the key is unknown, a bare refusal (`found:
 * 'bare'`: the key exists, but its facts were not sent), or here is what it knows.
 */
export type ProviderAnswer =
  | { found: false }
  | { found: 'bare'; refusal: BareRefusal }
  | {
      found: true;
      accepted: boolean;
      /**
       * The key as LemonSqueezy spells it (`license_key.key`), when it says: the spelling the
       * license is filed under. In memory only, like any key; never stored or logged.
       */
      key?: string;
      license: ProviderLicense;
      instance: ProviderInstance | null;
      /** Validate with an instance id LemonSqueezy no longer has (deactivated there). */
      instanceMissing?: boolean;
    };

/**
 * What LemonSqueezy answered to a deactivation: the seat is free (also when it no longer knew
 * the instance or the key), or it refused and said what it knows of the key (a disabled or
 * expired key keeps its seats).
 */
export type DeactivationAnswer = { freed: true } | { freed: false; license: ProviderLicense };

/**
 * The license seller (LemonSqueezy). Every method throws `UpstreamError` when the upstream is
 * unreachable or answers something unusable; a refusal it explains (404, 400 with the key's
 * facts) is returned, not thrown, so the service can pick the right code. Answers are in domain
 * terms, dates already ISO-8601 UTC.
 */
export interface LicenseProvider {
  /**
   * Checks a key without using a seat; with `instanceId`, also whether that instance still
   * exists (`instanceMissing` when it does not).
   */
  validate(licenseKey: string, instanceId?: string): Promise<ProviderAnswer>;
  /** Uses a seat: creates a new instance named `instanceName` (not idempotent upstream). */
  activate(licenseKey: string, instanceName: string): Promise<ProviderAnswer>;
  /**
   * Frees the seat of `instanceId`; an unknown instance (a 404, or a bare refusal naming the
   * instance) counts as already freed.
   */
  deactivate(licenseKey: string, instanceId: string): Promise<DeactivationAnswer>;
  /** The subscription a license key was sold with, found through its order, if any. */
  findSubscription(orderId: number, orderItemId: number): Promise<Subscription | null>;
  getSubscription(subscriptionId: number): Promise<Subscription | null>;
  /**
   * The license key itself, read with the REST API key: we store only its hash, and freeing a
   * seat with no customer request (an idle device) needs the key. Null when LemonSqueezy no longer
   * has it. Hold it in memory for the call at hand; never store or log it.
   */
  licenseKeyOf(licenseId: number): Promise<string | null>;
  /**
   * The key's status as the REST API shows it (`disabled` read as truthy), or null when
   * LemonSqueezy no longer has the key: a second opinion on a License API refusal.
   */
  licenseKeyStatus(licenseId: number): Promise<LicenseStatus | null>;
  /** The instances (seats) a license key holds upstream. */
  listInstances(licenseId: number): Promise<ProviderInstance[]>;
  /**
   * The order that sold a license key, now (REST `GET /v1/orders/:id`): a refund no webhook
   * brought shows here. Null when LemonSqueezy has no such order.
   */
  getOrder(orderId: number): Promise<ProviderOrder | null>;
}

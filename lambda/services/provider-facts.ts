import { findPlanVariant, type PlanVariant } from '#config/products-schema.ts';
import type { LicensePlan, LicenseRecord, ProviderFacts, Subscription } from '#domain/license.ts';
import type { Verdict } from '#domain/license-rules.ts';
import type { ProviderLicense, ProviderSubscription } from '#ports/license-provider.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Whether a key LemonSqueezy knows is one we sell: our store, a configured product/variant, and
 * live mode unless test mode is allowed. The License API answers for any store's keys, so
 * without this any LemonSqueezy key in the world would activate.
 */
export function checkSellable(
  deps: ServiceDeps,
  license: ProviderLicense,
): { ok: true; plan: PlanVariant } | Extract<Verdict, { ok: false }> {
  const plan = findPlanVariant(deps.products, license.productId, license.variantId);
  if (license.storeId !== deps.products.store_id || !plan) {
    return {
      ok: false,
      code: 'PRODUCT_NOT_ALLOWED',
      detail: 'This license key is not for this product.',
    };
  }
  if (license.testMode && !deps.policy.allowTestMode) {
    return {
      ok: false,
      code: 'PRODUCT_NOT_ALLOWED',
      detail: 'Test-mode license keys are not accepted.',
    };
  }
  return { ok: true, plan };
}

/** LemonSqueezy's dates (`…07.000000Z`) as plain ISO-8601 UTC. */
export function isoOrNull(value: string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

export function toSubscription(subscription: ProviderSubscription): Subscription {
  return {
    id: subscription.id,
    status: subscription.status,
    renewsAt: isoOrNull(subscription.renewsAt),
    endsAt: isoOrNull(subscription.endsAt),
  };
}

/** The stored facts for what LemonSqueezy just told us. */
export function toProviderFacts(
  license: ProviderLicense,
  plan: PlanVariant,
  subscription: ProviderSubscription | null | undefined,
  now: Date,
): ProviderFacts {
  return {
    status: license.status,
    expiresAt: isoOrNull(license.expiresAt),
    customerName: license.customerName,
    customerEmail: license.customerEmail,
    provider: {
      licenseId: license.licenseId,
      storeId: license.storeId,
      orderId: license.orderId,
      orderItemId: license.orderItemId,
      productId: license.productId,
      variantId: license.variantId,
      activationLimit: license.activationLimit,
      activationUsage: license.activationUsage,
      testMode: license.testMode,
    },
    plan: toLicensePlan(plan),
    statusCheckedAt: now.toISOString(),
    ...(subscription ? { subscription: toSubscription(subscription) } : {}),
  };
}

/** The LemonSqueezy facts a license holds now, as a starting point for changing some of them. */
export function storedFacts(license: LicenseRecord): ProviderFacts {
  return {
    status: license.status,
    expiresAt: license.expiresAt,
    customerName: license.customerName,
    customerEmail: license.customerEmail,
    provider: license.provider,
    plan: license.plan,
    statusCheckedAt: license.statusCheckedAt,
  };
}

/** The plan facts a license keeps from its configured variant. */
export function toLicensePlan(plan: PlanVariant): LicensePlan {
  return {
    aiMode: plan.aiMode,
    creditsUsd: plan.creditsUsd,
    duration: plan.duration,
    productName: plan.productName,
    variantName: plan.variantName,
  };
}

/** A license seen for the first time: the facts plus the fields only creation sets. */
export function newLicenseRecord(
  licenseHash: string,
  facts: ProviderFacts,
  now: Date,
): LicenseRecord {
  return {
    ...facts,
    licenseHash,
    kind: 'lemonsqueezy',
    periodAnchor: now.toISOString(),
    devices: {},
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

import { findPlanVariant, type PlanVariant } from '#config/products-schema.ts';
import {
  type LicensePlan,
  type LicenseRecord,
  licenseHashOf,
  type ProviderFacts,
  type ProviderLicense,
} from '#domain/license.ts';
import type { Verdict } from '#domain/license-rules.ts';
import type { Subscription } from '#domain/subscription.ts';
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

/**
 * The stored facts for what LemonSqueezy just told us (a License API answer or a license-key
 * webhook); `plan` is the configured variant, or the plan the license already holds.
 */
export function toProviderFacts(
  license: ProviderLicense,
  plan: LicensePlan,
  subscription: Subscription | null | undefined,
  now: Date,
): ProviderFacts {
  return {
    status: license.status,
    expiresAt: license.expiresAt,
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
      ...(license.keyCase === undefined ? {} : { keyCase: license.keyCase }),
    },
    plan: toLicensePlan(plan),
    statusCheckedAt: now.toISOString(),
    ...(subscription ? { subscription } : {}),
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

/** The plan facts a license keeps of its configured variant (or of a plan it holds), no more. */
export function toLicensePlan(plan: LicensePlan): LicensePlan {
  return {
    aiMode: plan.aiMode,
    creditsUsd: plan.creditsUsd,
    ...(plan.trialCreditsUsd === undefined ? {} : { trialCreditsUsd: plan.trialCreditsUsd }),
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

/**
 * The stored facts, updated with what a License API answer about this license (an activation,
 * a refused deactivation) says of the key: its status and seats.
 */
export function answeredFacts(
  license: LicenseRecord,
  upstream: ProviderLicense,
  now: Date,
): ProviderFacts {
  const provider = license.provider && {
    ...license.provider,
    activationLimit: upstream.activationLimit,
    activationUsage: upstream.activationUsage,
  };
  return {
    ...storedFacts(license),
    status: upstream.status,
    provider,
    statusCheckedAt: now.toISOString(),
  };
}

/**
 * The license key of a stored LemonSqueezy license, read from LemonSqueezy's REST API by license
 * id (we keep only its hash) and checked against the hash; null when LemonSqueezy no longer has
 * it, or the id names another key. Held in memory for the call at hand; never stored or logged.
 */
export async function storedLicenseKey(
  deps: ServiceDeps,
  license: LicenseRecord,
): Promise<string | null> {
  if (!license.provider) return null;
  const key = await deps.provider.licenseKeyOf(license.provider.licenseId);
  return key !== null && licenseHashOf(key) === license.licenseHash ? key : null;
}

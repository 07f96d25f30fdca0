import { findPlanVariant } from '#config/products-schema.ts';
import type { ProviderFacts } from '#domain/license.ts';
import { licenseHashOf } from '#domain/secrets.ts';
import { newLicenseRecord, toLicensePlan } from '../provider-facts.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { enforceLicense } from './enforce-license.ts';
import type { EventOutcome } from './outcome.ts';
import type { LicenseKeyAttributes } from './parse-event.ts';

/**
 * `license_key_created` / `license_key_updated`: store LemonSqueezy's facts about the key unless
 * newer ones are stored, link its order to it, and take the AI key away if the license can no
 * longer be used. No OpenRouter call otherwise.
 */
export async function applyLicenseKeyEvent(
  deps: ServiceDeps,
  licenseId: string,
  attributes: LicenseKeyAttributes,
): Promise<EventOutcome> {
  const licenseHash = licenseHashOf(attributes.key);
  const existing = await deps.store.get(licenseHash);
  const variant = existing?.provider?.variantId ?? firstVariantOf(deps, attributes.product_id);
  const configured =
    variant === undefined
      ? undefined
      : findPlanVariant(deps.products, attributes.product_id, variant);
  const plan = existing?.plan ?? (configured ? toLicensePlan(configured) : undefined);
  if (variant === undefined || !plan) return 'ignored';

  const now = deps.clock.now();
  const facts: ProviderFacts = {
    status: attributes.status,
    expiresAt: attributes.expires_at,
    customerName: attributes.user_name,
    customerEmail: attributes.user_email,
    provider: {
      licenseId: Number(licenseId),
      storeId: attributes.store_id,
      orderId: attributes.order_id,
      orderItemId: attributes.order_item_id,
      productId: attributes.product_id,
      variantId: variant,
      activationLimit: attributes.activation_limit,
      activationUsage: attributes.instances_count,
      testMode: attributes.test_mode,
    },
    plan,
    statusCheckedAt: now.toISOString(),
  };
  const saved = await deps.store.saveProviderFactsIfNewer(
    newLicenseRecord(licenseHash, facts, now),
    facts,
    attributes.updated_at,
  );
  const order = await deps.webhooks.linkLicense('order', String(attributes.order_id), licenseHash);
  const current = saved ?? existing;
  // Its order was refunded before this key reached us: the key is refunded too.
  const refunded =
    order.orderRefundedAt && current && !current.refundedAt
      ? await deps.store.markRefunded(licenseHash, order.orderRefundedAt)
      : undefined;
  await enforceLicense(deps, refunded ?? current);
  return saved ? 'applied' : 'stale';
}

/**
 * The license-key object names no variant. A product's first configured variant stands in until
 * the first activation, whose License API answer names the real one.
 */
function firstVariantOf(deps: ServiceDeps, productId: number): number | undefined {
  const product = Object.values(deps.products.products).find(
    (entry) => entry.product_id === productId,
  );
  return product ? Object.values(product.variants)[0]?.variant_id : undefined;
}

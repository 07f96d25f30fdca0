import { findPlanVariant } from '#config/products-schema.ts';
import { type LicenseRecord, licenseHashOf } from '#domain/license.ts';
import type { LicenseKeyEvent } from '#domain/webhook-event.ts';
import { enforceLicense } from '../enforce-license.ts';
import { storedLicenseFor } from '../license-lookup.ts';
import { newLicenseRecord, toProviderFacts } from '../provider-facts.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { EventOutcome } from './outcome.ts';

/**
 * `license_key_created` / `license_key_updated`: store LemonSqueezy's facts about the key unless
 * newer ones are stored, link its order to it, and take the AI key away if the license can no
 * longer be used. No OpenRouter call otherwise.
 */
export async function applyLicenseKeyEvent(
  deps: ServiceDeps,
  event: LicenseKeyEvent,
): Promise<EventOutcome> {
  // A license stored before canonical spellings is found under its old id, not filed twice.
  const existing = await storedLicenseFor(deps, event.licenseKey);
  const licenseHash = existing?.licenseHash ?? licenseHashOf(event.licenseKey);
  const { productId } = event.license;
  const variantId = existing?.provider?.variantId ?? firstVariantOf(deps, productId);
  const configured =
    variantId === undefined ? undefined : findPlanVariant(deps.products, productId, variantId);
  const plan = existing?.plan ?? configured;
  if (variantId === undefined || !plan) return 'ignored';

  const now = deps.clock.now();
  // Two changes of the same second cannot be ordered by their times (one-second resolution):
  // when this event ties with the stored facts but says something else, LemonSqueezy, the
  // authority, says what is true now, and that is stored for the instant instead (I8).
  const truth =
    existing && tiesButDiffers(existing, event)
      ? await currentLicense(deps, event.licenseKey)
      : event.license;
  if (!truth) return 'ignored';
  const facts = toProviderFacts({ ...truth, variantId }, plan, undefined, now);
  const saved = await deps.store.saveProviderFactsIfNewer(
    newLicenseRecord(licenseHash, facts, now),
    facts,
    event.updatedAt,
  );
  const order = await deps.webhooks.linkLicense(
    'order',
    String(event.license.orderId),
    licenseHash,
  );
  const current = saved ?? existing;
  // Its order was refunded before this key reached us: the key is refunded too.
  const refunded =
    order.orderRefundedAt && current && !current.refundedAt
      ? await deps.store.markRefunded(licenseHash, order.orderRefundedAt)
      : undefined;
  await enforceLicense(deps, refunded ?? current);
  return saved ? 'applied' : 'stale';
}

/** Whether the event has the stored facts' `updated_at` yet says something else of the key. */
function tiesButDiffers(stored: LicenseRecord, event: LicenseKeyEvent): boolean {
  if (stored.factsAsOf === undefined) return false;
  if (Date.parse(stored.factsAsOf) !== Date.parse(event.updatedAt)) return false;
  const facts = event.license;
  return (
    stored.status !== facts.status ||
    instant(stored.expiresAt) !== instant(facts.expiresAt) ||
    stored.provider?.activationLimit !== facts.activationLimit
  );
}

/** A time as a number to compare (one instant may be written with or without milliseconds). */
function instant(value: string | null): number | null {
  return value === null ? null : Date.parse(value);
}

/**
 * What LemonSqueezy says of the key now (License API validate, no seat used). A failure throws
 * (503): LemonSqueezy delivers the event again later and the tie is decided then.
 */
async function currentLicense(deps: ServiceDeps, licenseKey: string) {
  const answer = await deps.provider.validate(licenseKey);
  return answer.found === true ? answer.license : undefined;
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

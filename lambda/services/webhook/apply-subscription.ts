import { findPlanVariant } from '#config/products-schema.ts';
import { toLicensePlan, toSubscription } from '../provider-facts.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { enforceLicense } from './enforce-license.ts';
import type { EventOutcome } from './outcome.ts';
import type { InvoiceAttributes, PaymentEventName, SubscriptionAttributes } from './parse-event.ts';

/**
 * `subscription_*` lifecycle events. The subscription names no license key, so it is found
 * through its order. Its status then decides access through the license rules: `cancelled`
 * keeps it until `ends_at`, `expired`/`paused` end it (the AI key is disabled now),
 * `resumed`/`unpaused` restore it (the next validate issues a key). A new variant's credits
 * apply from the next period: the current key keeps its limit.
 */
export async function applySubscriptionEvent(
  deps: ServiceDeps,
  subscriptionId: string,
  attributes: SubscriptionAttributes,
): Promise<EventOutcome> {
  const licenseHash =
    (await deps.webhooks.findLicense('subscription', subscriptionId)) ??
    (await licenseOfOrderItem(deps, attributes));
  if (!licenseHash) {
    // Not activated here yet: activation looks the subscription up itself.
    deps.logger.info('subscription event for an unknown license', { subscriptionId });
    return 'ignored';
  }
  await deps.webhooks.linkLicense('subscription', subscriptionId, licenseHash);
  const configured = findPlanVariant(deps.products, attributes.product_id, attributes.variant_id);
  const saved = await deps.store.saveSubscription(
    licenseHash,
    {
      id: Number(subscriptionId),
      status: attributes.status,
      renewsAt: attributes.renews_at,
      endsAt: attributes.ends_at,
    },
    attributes.updated_at,
    configured ? toLicensePlan(configured) : undefined,
  );
  await enforceLicense(deps, saved ?? (await deps.store.get(licenseHash)));
  return saved ? 'applied' : 'stale';
}

/**
 * The license a not-yet-linked subscription belongs to: of its order's licenses, the one sold by
 * the same order item (an order may sell several license keys, each its own item).
 */
async function licenseOfOrderItem(
  deps: ServiceDeps,
  attributes: SubscriptionAttributes,
): Promise<string | undefined> {
  const hashes = await deps.webhooks.findLicenses('order', String(attributes.order_id));
  for (const licenseHash of hashes) {
    const license = await deps.store.get(licenseHash);
    if (license?.provider?.orderItemId === attributes.order_item_id) return licenseHash;
  }
  return undefined;
}

/**
 * `subscription_payment_*` events (invoices). Every one is recorded; a successful or recovered
 * payment also re-reads the subscription from LemonSqueezy, so the new `renews_at` (the end of
 * the period just paid) is stored and the next validate rotates the key with fresh credits.
 */
export async function applyPaymentEvent(
  deps: ServiceDeps,
  eventName: PaymentEventName,
  invoiceId: string,
  attributes: InvoiceAttributes,
): Promise<EventOutcome> {
  const subscriptionId = String(attributes.subscription_id);
  const licenseHash = await deps.webhooks.findLicense('subscription', subscriptionId);
  if (!licenseHash) return 'ignored';
  await deps.store.recordPayment(licenseHash, {
    invoiceId,
    status: eventName.replace('subscription_payment_', ''),
    at: attributes.updated_at,
  });
  if (
    eventName === 'subscription_payment_success' ||
    eventName === 'subscription_payment_recovered'
  ) {
    const subscription = await deps.provider.getSubscription(attributes.subscription_id);
    if (subscription) {
      const now = deps.clock.now().toISOString();
      await deps.store.saveSubscription(licenseHash, toSubscription(subscription), now);
    }
  }
  return 'applied';
}

import { findPlanVariant } from '#config/products-schema.ts';
import type { PaymentEvent, SubscriptionEvent } from '#domain/webhook-event.ts';
import { enforceLicense } from '../enforce-license.ts';
import { toLicensePlan } from '../provider-facts.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { applyPaymentRefund } from './apply-payment-refund.ts';
import type { EventOutcome } from './outcome.ts';

/**
 * `subscription_*` lifecycle events. The subscription names no license key, so it is found
 * through its order. Its status then decides access through the license rules: `cancelled`
 * keeps it until `ends_at`, `expired`/`paused` end it (the AI key is disabled now),
 * `resumed`/`unpaused` restore it (the next validate issues a key). A new variant's credits
 * apply from the next period: the current key keeps its limit.
 */
export async function applySubscriptionEvent(
  deps: ServiceDeps,
  event: SubscriptionEvent,
): Promise<EventOutcome> {
  const subscriptionId = String(event.subscription.id);
  const licenseHash =
    (await deps.webhooks.findLicense('subscription', subscriptionId)) ??
    (await licenseOfOrderItem(deps, event));
  if (!licenseHash) {
    // Not activated here yet: activation looks the subscription up itself.
    deps.logger.info('subscription event for an unknown license', { subscriptionId });
    return 'ignored';
  }
  await deps.webhooks.linkLicense('subscription', subscriptionId, licenseHash);
  const configured = findPlanVariant(deps.products, event.productId, event.variantId);
  const saved = await deps.store.saveSubscription(
    licenseHash,
    event.subscription,
    event.updatedAt,
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
  event: SubscriptionEvent,
): Promise<string | undefined> {
  const hashes = await deps.webhooks.findLicenses('order', String(event.orderId));
  for (const licenseHash of hashes) {
    const license = await deps.store.get(licenseHash);
    if (license?.provider?.orderItemId === event.orderItemId) return licenseHash;
  }
  return undefined;
}

/**
 * `subscription_payment_*` events (invoices). Every one is recorded; a successful or recovered
 * payment also re-reads the subscription from LemonSqueezy, so the new `renews_at` (the end of
 * the period just paid) is stored and the next validate rotates the key with fresh credits (the
 * first payment after a free trial opens the first paid period at once); a refunded one
 * withdraws the credit of the period it paid for (`applyPaymentRefund`).
 */
export async function applyPaymentEvent(
  deps: ServiceDeps,
  event: PaymentEvent,
): Promise<EventOutcome> {
  const licenseHash = await deps.webhooks.findLicense('subscription', String(event.subscriptionId));
  if (!licenseHash) return 'ignored';
  await deps.store.recordPayment(licenseHash, {
    invoiceId: event.invoiceId,
    status: event.outcome,
    at: event.at,
  });
  if (event.outcome === 'success' || event.outcome === 'recovered') {
    const subscription = await deps.provider.getSubscription(event.subscriptionId);
    if (subscription) {
      const now = deps.clock.now().toISOString();
      await deps.store.saveSubscription(licenseHash, subscription, now);
    }
  }
  if (event.outcome === 'refunded') await applyPaymentRefund(deps, licenseHash, event);
  return 'applied';
}

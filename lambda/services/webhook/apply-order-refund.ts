import type { OrderRefundEvent } from '#domain/webhook-event.ts';
import { enforceLicense } from '../enforce-license.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { EventOutcome } from './outcome.ts';

/**
 * `order_refunded`: a full refund ends AI access for every license the order sold (each key is
 * disabled now and no new one is issued). A partial refund changes nothing. LemonSqueezy does
 * not say whether a refund disables the keys themselves, so the refund is recorded on our side
 * and outlives later status refreshes.
 */
export async function applyOrderRefund(
  deps: ServiceDeps,
  event: OrderRefundEvent,
): Promise<EventOutcome> {
  if (!event.fullRefund) return 'ignored';
  const orderId = String(event.orderId);
  const { refundedAt } = event;
  // Kept on the order too: a key of this order activated only later is refunded on activation.
  await deps.webhooks.recordOrderRefund(orderId, refundedAt);
  const licenseHashes = await deps.webhooks.findLicenses('order', orderId);
  if (licenseHashes.length === 0) return 'applied';
  // Each license on its own: one failing upstream call must not keep the others usable. The
  // first failure is rethrown so the retry finishes the job (both steps are idempotent).
  const results = await Promise.allSettled(
    licenseHashes.map(async (licenseHash) => {
      const license = await deps.store.markRefunded(licenseHash, refundedAt);
      await enforceLicense(deps, license);
    }),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return 'applied';
}

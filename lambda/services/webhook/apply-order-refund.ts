import type { z } from 'zod';
import type { orderAttributesSchema } from '#schemas/webhook.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { enforceLicense } from './enforce-license.ts';
import type { EventOutcome } from './outcome.ts';

type OrderAttributes = z.infer<typeof orderAttributesSchema>;

/**
 * `order_refunded`: a full refund ends AI access for the order's license (its key is disabled
 * now and no new one is issued). A partial refund (`refunded: false`, status still `paid`)
 * changes nothing. LemonSqueezy does not say whether a refund disables the key itself, so the
 * refund is recorded on our side and outlives later status refreshes.
 */
export async function applyOrderRefund(
  deps: ServiceDeps,
  orderId: string,
  attributes: OrderAttributes,
): Promise<EventOutcome> {
  if (!attributes.refunded && attributes.status !== 'refunded') return 'ignored';
  const licenseHash = await deps.webhooks.findLicense('order', orderId);
  if (!licenseHash) return 'ignored';
  const refundedAt = new Date(attributes.refunded_at ?? attributes.updated_at).toISOString();
  const license = await deps.store.markRefunded(licenseHash, refundedAt);
  await enforceLicense(deps, license);
  return 'applied';
}

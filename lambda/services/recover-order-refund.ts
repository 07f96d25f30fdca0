import type { LicenseRecord } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import type { OrderRefundEvent } from '#domain/webhook-event.ts';
import type { ServiceDeps } from './service-deps.ts';
import { applyOrderRefund } from './webhook/apply-order-refund.ts';

/** What reading a license's order found. */
export type OrderCheck = 'refund-recovered' | 'not-refunded' | 'no-order';

/**
 * Whether the reconciler should read this license's order now: a LemonSqueezy license that may
 * still be used (`active`, or `inactive`: no seat taken yet), not known to be refunded, whose
 * order was last read `everyMs` ago or never. A license already `disabled` or `expired` has no
 * access a refund could end; should it come back, its next status refresh makes it due again.
 */
export function orderCheckDue(license: LicenseRecord, now: Date, everyMs: number): boolean {
  if (!license.provider || license.refundedAt !== undefined) return false;
  if (license.status !== 'active' && license.status !== 'inactive') return false;
  if (license.orderCheckedAt === undefined) return true;
  return now.getTime() - Date.parse(license.orderCheckedAt) >= everyMs;
}

/**
 * Reads the order that sold `license` from LemonSqueezy's REST API and applies a full refund that
 * no webhook brought (a lost `order_refunded`: a status refresh does not see it, since a refund
 * need not disable the key). The refund goes through `applyOrderRefund`, the webhook's own code:
 * recorded on the order and on every license it sold (first refund time wins), each key disabled.
 * 1. read the order; an upstream failure throws before anything is written;
 * 2. an order of another store changes nothing (a license we hold is ours; said in the log);
 * 3. a full refund: the license is linked to its order first (an ADD to the order's set, so a
 *    license whose link was never written is still found), then the refund is applied as the
 *    webhook would; a failure on the way throws, leaving the refund recorded and the key for
 *    `settleKey` to put in step;
 * 4. otherwise (paid, a partial refund, an order LemonSqueezy no longer has) the read is
 *    recorded, so the license is not due again for a while.
 */
export async function recoverOrderRefund(
  deps: ServiceDeps,
  license: LicenseRecord,
): Promise<OrderCheck> {
  const provider = license.provider;
  if (!provider) return 'no-order';
  const checkedAt = deps.clock.now().toISOString();
  const order = await deps.provider.getOrder(provider.orderId);
  if (order === null || order.storeId !== deps.products.store_id || !order.fullRefund) {
    if (order === null || order.storeId !== deps.products.store_id) {
      deps.logger.warn('order not reconciled', {
        license: shortHash(license.licenseHash),
        reason: order === null ? 'LemonSqueezy has no such order' : 'another store',
      });
    }
    await deps.store.markOrderChecked(license.licenseHash, checkedAt);
    return order === null ? 'no-order' : 'not-refunded';
  }
  const event: OrderRefundEvent = {
    kind: 'order-refund',
    name: 'order_refunded',
    storeId: order.storeId,
    testMode: order.testMode,
    orderId: order.orderId,
    fullRefund: true,
    refundedAt: order.refundedAt,
  };
  await deps.webhooks.linkLicense('order', String(order.orderId), license.licenseHash);
  await applyOrderRefund(deps, event);
  deps.metrics.count('RefundsRecovered');
  deps.logger.info('order refund recovered: no webhook had brought it', {
    license: shortHash(license.licenseHash),
  });
  return 'refund-recovered';
}

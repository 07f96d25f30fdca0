import { UpstreamError } from '#domain/errors.ts';
import type { LicenseRecord } from '#domain/license.ts';
import type { PaymentEvent } from '#domain/webhook-event.ts';
import { enforceLicense } from '../enforce-license.ts';
import type { ServiceDeps } from '../service-deps.ts';

const MAX_ATTEMPTS = 3;

/**
 * `subscription_payment_refunded` in full: the credit of the period the invoice paid for is
 * withdrawn (I1). A partial refund changes nothing, as for orders.
 * 1. the invoice is added to the license's refunded payments (once: a redelivery finds it);
 * 2. if the license's key belongs to that period, it is disabled now and kept; no key is issued
 *    or enabled again in that period (`periodPaymentRefunded`), while the license itself stays
 *    usable (its app features, BYOK). Later periods are paid and credited as usual.
 * Which period an invoice paid for is read from its `created_at` (docs/license-lifecycle.md,
 * "Credit periods").
 */
export async function applyPaymentRefund(
  deps: ServiceDeps,
  licenseHash: string,
  event: PaymentEvent,
): Promise<void> {
  if (!event.fullRefund) return;
  const refund = { invoiceId: event.invoiceId, billedAt: event.billedAt, refundedAt: event.at };
  let license = await deps.store.get(licenseHash);
  for (let attempt = 0; license && attempt < MAX_ATTEMPTS; attempt += 1) {
    if (isRecorded(license, refund.invoiceId)) break;
    const saved = await deps.store.addRefundedPayment(license, refund);
    license = saved ?? (await deps.store.get(licenseHash));
  }
  if (license && !isRecorded(license, refund.invoiceId)) {
    // Three rival writes in a row: the 503 makes LemonSqueezy deliver the event again.
    throw new UpstreamError('lemonsqueezy', 'unavailable', 'refund is contended; retry later.');
  }
  await enforceLicense(deps, license);
}

function isRecorded(license: LicenseRecord, invoiceId: string): boolean {
  return (license.refundedPayments ?? []).some((refund) => refund.invoiceId === invoiceId);
}

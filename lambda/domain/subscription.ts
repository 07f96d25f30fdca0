/** A LemonSqueezy subscription as a license stores it, and the facts read from its events. */

/** LemonSqueezy's subscription statuses (docs/upstreams.md, "Subscription statuses"). */
export const SUBSCRIPTION_STATUSES = [
  'on_trial',
  'active',
  'paused',
  'past_due',
  'unpaid',
  'cancelled',
  'expired',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface Subscription {
  id: number;
  status: SubscriptionStatus;
  renewsAt: string | null;
  endsAt: string | null;
  /**
   * When the subscription's free trial ends (`trial_ends_at`): a period ending then or earlier
   * is the unpaid trial's, with the trial's credit. Null without a trial; absent on records
   * stored before it was read.
   */
  trialEndsAt?: string | null;
  /** What a `paused` subscription's `pause` says; null or absent when not paused. */
  pause?: SubscriptionPause | null;
}

/**
 * LemonSqueezy's `pause` object: `free` means the merchant keeps offering the service for free,
 * `void` that it is not offered. A mode we do not know (or none) is read as `void`: a pause only
 * keeps the license usable when LemonSqueezy says so.
 */
export interface SubscriptionPause {
  mode: 'free' | 'void';
  resumesAt: string | null;
}

/**
 * A subscription payment refunded in full (`subscription_payment_refunded`): the credit of the
 * period it paid for is withdrawn. `billedAt` is the invoice's `created_at` (which period it
 * paid for is decided from it: `periodPaymentRefunded`).
 */
export interface RefundedPayment {
  invoiceId: string;
  billedAt: string;
  refundedAt: string;
}

/**
 * LemonSqueezy's `pause` object in domain terms, for the webhook and the REST reader alike:
 * only `mode: "free"` is free; `void`, a mode we do not know, or none at all read as `void`
 * (the license stays refused unless LemonSqueezy says the service is still offered).
 */
export function pauseOf(
  pause: { mode?: string | null | undefined; resumes_at: string | null } | null,
): SubscriptionPause | null {
  if (pause === null) return null;
  return { mode: pause.mode === 'free' ? 'free' : 'void', resumesAt: pause.resumes_at };
}

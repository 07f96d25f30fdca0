import type { AiKey, LicenseRecord, PeriodDuration, SpentKey } from './license.ts';
import type { Subscription } from './subscription.ts';

const MONTHS: Record<Exclude<PeriodDuration, 'weekly' | 'lifetime'>, number> = {
  monthly: 1,
  quarterly: 3,
  yearly: 12,
};

/**
 * `anchor` moved on by `count` periods. Months are calendar months clamped to the month's last
 * day (Jan 31 + 1 month = Feb 28/29), always counted from the anchor so the day does not drift.
 */
export function addPeriods(anchor: Date, duration: PeriodDuration, count: number): Date {
  if (duration === 'lifetime') throw new Error('a lifetime plan has no periods');
  if (duration === 'weekly') return new Date(anchor.getTime() + count * 7 * 86_400_000);
  const months = MONTHS[duration] * count;
  const target = new Date(anchor.getTime());
  const day = anchor.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/** The first period boundary after `now`, counting whole periods from `anchor`. */
export function nextBoundaryAfter(anchor: Date, duration: PeriodDuration, now: Date): Date {
  let count = 1;
  let boundary = addPeriods(anchor, duration, count);
  while (boundary.getTime() <= now.getTime()) {
    count += 1;
    boundary = addPeriods(anchor, duration, count);
  }
  return boundary;
}

/** One credit period: when it ends, and what it may hand out (I1). */
export interface CreditPeriod {
  end: Date;
  creditUsd: number;
  /** The unpaid free trial's period (a trial license, or a subscription `on_trial`). */
  trial: boolean;
}

/**
 * The current credit period of a SaaS license (its end is also when its OpenRouter key
 * expires), or null when no period may start now (I5). Precedence:
 * 1. a trial license's period is the whole trial, with the trial's credit;
 * 2. a subscription license: while `on_trial` (LemonSqueezy's unpaid free trial) the period ends
 *    at the trial's end with the product's trial credit; while `active` it ends at `renews_at`
 *    (paid); once cancelled at `ends_at` (the period runs out). A period ending at or before
 *    `trial_ends_at` is the trial's whatever the status says (cancelled during the trial, or
 *    `active` before the first payment moved `renews_at`), so the trial never gets the plan's
 *    credit. Anything else (a renewal not recorded yet, past_due, unpaid, paused) starts no
 *    period: no new credit until LemonSqueezy says the period is paid. Never the
 *    first-activation fallback, which would hand out a period nobody paid for;
 * 3. a license without a subscription (a one-off purchase): whole plan periods counted from
 *    when the license was first stored;
 * and never after the license itself expires.
 */
export function currentPeriod(license: LicenseRecord, now: Date): CreditPeriod | null {
  const licenseEnd = license.expiresAt ? new Date(license.expiresAt) : undefined;
  if (license.kind === 'trial') {
    return licenseEnd ? { end: licenseEnd, creditUsd: license.plan.creditsUsd, trial: true } : null;
  }
  const subscription = license.subscription;
  const periodEnd = subscription
    ? subscriptionBoundary(subscription, now)
    : license.plan.duration === 'lifetime'
      ? null
      : nextBoundaryAfter(new Date(license.periodAnchor), license.plan.duration, now);
  if (periodEnd === null) return null;
  const trial = subscription !== undefined && isTrialPeriod(subscription, periodEnd);
  return {
    end: licenseEnd && licenseEnd < periodEnd ? licenseEnd : periodEnd,
    creditUsd: trial ? (license.plan.trialCreditsUsd ?? 0) : license.plan.creditsUsd,
    trial,
  };
}

/** When the current credit period ends, or null when none may start now (`currentPeriod`). */
export function currentPeriodEnd(license: LicenseRecord, now: Date): Date | null {
  return currentPeriod(license, now)?.end ?? null;
}

function subscriptionBoundary(subscription: Subscription, now: Date): Date | null {
  const candidate =
    subscription.status === 'cancelled'
      ? subscription.endsAt // a cancelled subscription will not renew: it runs out at ends_at
      : subscription.status === 'on_trial'
        ? (subscription.trialEndsAt ?? subscription.renewsAt)
        : subscription.status === 'active'
          ? subscription.renewsAt
          : null;
  return candidate && new Date(candidate).getTime() > now.getTime() ? new Date(candidate) : null;
}

/** Whether the period ending at `periodEnd` is the subscription's unpaid free trial. */
function isTrialPeriod(subscription: Subscription, periodEnd: Date): boolean {
  if (subscription.status === 'on_trial') return true;
  const trialEnd = subscription.trialEndsAt;
  return typeof trialEnd === 'string' && periodEnd.getTime() <= Date.parse(trialEnd);
}

/**
 * How long after it was billed an invoice is taken to be inside the period it paid for: a
 * renewal is billed at (or within hours of) the boundary that opens its period, a payment
 * recovered after retries keeps its first billing time, and a period is a calendar month.
 */
const BILLING_SLACK_MS = 3 * 86_400_000;

/**
 * Whether the payment of the subscription period ending at `periodEnd` was refunded: some
 * refunded invoice was billed within that period (three days' slack: `BILLING_SLACK_MS`).
 * LemonSqueezy's invoice names no period, only when it was created, and each invoice is billed
 * when the period it pays for begins. A trial period was never paid, so never refunded.
 */
export function periodPaymentRefunded(license: LicenseRecord, periodEnd: string): boolean {
  const refunds = license.refundedPayments ?? [];
  const { subscription, plan } = license;
  if (refunds.length === 0 || !subscription || plan.duration === 'lifetime') return false;
  const end = new Date(periodEnd);
  if (isTrialPeriod(subscription, end)) return false;
  const start = addPeriods(end, plan.duration, -1).getTime();
  return refunds.some((refund) => {
    const inside = Date.parse(refund.billedAt) + BILLING_SLACK_MS;
    return inside >= start && inside < end.getTime();
  });
}

/**
 * Whether `key` still carries the credit of the license's current period: its period has not
 * ended, its payment was not refunded, and it is not a trial period's key that a paid period
 * has replaced (the first payment opens the paid period at once, as any period boundary).
 */
export function keyPeriodCurrent(license: LicenseRecord, key: AiKey, now: Date): boolean {
  if (new Date(key.periodEnd) <= now) return false;
  if (periodPaymentRefunded(license, key.periodEnd)) return false;
  const subscription = license.subscription;
  if (!subscription || !isTrialPeriod(subscription, new Date(key.periodEnd))) return true;
  const period = currentPeriod(license, now);
  return period === null || period.trial || period.end.toISOString() === key.periodEnd;
}

/** Cents are the finest unit OpenRouter limits are worth comparing at. */
export const roundUsd = (usd: number) => Math.round(usd * 100) / 100;

/**
 * A key of the period leaving the license (gone at OpenRouter, rotated away) as a dead key of
 * its period: what it spent, between nothing and its limit, so the period's credit left is right.
 */
export function spentKeyOf(key: AiKey, usage: number, goneAt: Date): SpentKey {
  return {
    hash: key.hash,
    limit: key.limit,
    usage: roundUsd(Math.min(key.limit, Math.max(0, usage))),
    periodEnd: key.periodEnd,
    issuedAt: key.issuedAt,
    goneAt: goneAt.toISOString(),
  };
}

/**
 * What the credit period `period` has left to hand out: its credit minus what the period's dead
 * keys spent (I1), and those keys; nothing when the period's payment was refunded.
 */
export function periodCredit(
  license: LicenseRecord,
  period: CreditPeriod,
): { left: number; spentKeys: SpentKey[] } {
  const end = period.end.toISOString();
  const spentKeys = (license.spentKeys ?? []).filter((entry) => entry.periodEnd === end);
  if (periodPaymentRefunded(license, end)) return { left: 0, spentKeys };
  const spent = spentKeys.reduce((sum, entry) => sum + entry.usage, 0);
  return { left: roundUsd(period.creditUsd - spent), spentKeys };
}

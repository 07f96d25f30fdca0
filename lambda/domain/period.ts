import type {
  AiKey,
  LicenseRecord,
  PeriodDuration,
  SpentKey,
  SubscriptionStatus,
} from './license.ts';

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

/** Subscription states in which LemonSqueezy has been paid for the period `renews_at` ends. */
const PAID_STATES: ReadonlySet<SubscriptionStatus> = new Set(['active', 'on_trial']);

/**
 * When the current credit period of a SaaS license ends (which is also when its OpenRouter key
 * expires), or null when no period may start now (I5). Precedence:
 * 1. a trial's period is the whole trial;
 * 2. a subscription license: its period ends at `renews_at` while the subscription is paid
 *    (active, on_trial) and `renews_at` is in the future, or at `ends_at` once cancelled (the
 *    paid period runs out). Anything else (a renewal not recorded yet, past_due, unpaid, paused)
 *    starts no period: no new credit until LemonSqueezy says the period is paid. Never the
 *    first-activation fallback, which would hand out a period nobody paid for;
 * 3. a license without a subscription (a one-off purchase): whole plan periods counted from
 *    when the license was first stored;
 * and never after the license itself expires.
 */
export function currentPeriodEnd(license: LicenseRecord, now: Date): Date | null {
  const licenseEnd = license.expiresAt ? new Date(license.expiresAt) : undefined;
  if (license.kind === 'trial') return licenseEnd ?? null;
  const periodEnd = license.subscription
    ? paidSubscriptionBoundary(license.subscription, now)
    : license.plan.duration === 'lifetime'
      ? null
      : nextBoundaryAfter(new Date(license.periodAnchor), license.plan.duration, now);
  if (periodEnd === null) return null;
  return licenseEnd && licenseEnd < periodEnd ? licenseEnd : periodEnd;
}

function paidSubscriptionBoundary(
  subscription: NonNullable<LicenseRecord['subscription']>,
  now: Date,
): Date | null {
  // A cancelled subscription will not renew: its paid access ends at ends_at.
  const candidate =
    subscription.status === 'cancelled'
      ? subscription.endsAt
      : PAID_STATES.has(subscription.status)
        ? subscription.renewsAt
        : null;
  return candidate && new Date(candidate).getTime() > now.getTime() ? new Date(candidate) : null;
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
 * What the credit period ending at `periodEnd` has left to hand out: the plan's credit minus
 * what the period's dead keys spent (I1), and those keys.
 */
export function periodCredit(
  license: LicenseRecord,
  periodEnd: Date,
): { left: number; spentKeys: SpentKey[] } {
  const period = periodEnd.toISOString();
  const spentKeys = (license.spentKeys ?? []).filter((entry) => entry.periodEnd === period);
  const spent = spentKeys.reduce((sum, entry) => sum + entry.usage, 0);
  return { left: roundUsd(license.plan.creditsUsd - spent), spentKeys };
}

import type { PeriodDuration } from '#config/products-schema.ts';
import type { LicenseRecord } from './license.ts';

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

/**
 * When the current credit period of a SaaS license ends, which is also when its OpenRouter key
 * expires. Precedence:
 * 1. a trial's period is the whole trial;
 * 2. a subscription's period ends at its `renews_at` (or `ends_at` once cancelled) while that is
 *    in the future;
 * 3. otherwise whole plan periods counted from when the license was first stored (a one-off purchase, or a
 *    subscription whose renewal LemonSqueezy has not recorded yet);
 * and never after the license itself expires.
 */
export function currentPeriodEnd(license: LicenseRecord, now: Date): Date {
  const licenseEnd = license.expiresAt ? new Date(license.expiresAt) : undefined;
  if (license.kind === 'trial' && licenseEnd) return licenseEnd;
  const subscriptionEnd = futureSubscriptionBoundary(license, now);
  const periodEnd =
    subscriptionEnd ??
    nextBoundaryAfter(new Date(license.periodAnchor), license.plan.duration, now);
  return licenseEnd && licenseEnd < periodEnd ? licenseEnd : periodEnd;
}

function futureSubscriptionBoundary(license: LicenseRecord, now: Date): Date | undefined {
  const subscription = license.subscription;
  if (!subscription) return undefined;
  // A cancelled subscription will not renew: its access ends at ends_at, whatever renews_at says.
  const candidates =
    subscription.status === 'cancelled'
      ? [subscription.endsAt]
      : [subscription.renewsAt, subscription.endsAt];
  for (const candidate of candidates) {
    if (candidate && new Date(candidate).getTime() > now.getTime()) return new Date(candidate);
  }
  return undefined;
}

/** True when the license's OpenRouter key belongs to a period that has ended. */
export function isKeyDue(license: LicenseRecord, now: Date): boolean {
  if (license.plan.aiMode !== 'saas') return false;
  if (!license.ai) return true;
  return new Date(license.ai.periodEnd).getTime() <= now.getTime();
}

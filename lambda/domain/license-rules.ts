import { activeDevices, deviceSlots, slotOf } from './device-slots.ts';
import type { LicenseRefusalCode } from './errors.ts';
import {
  type AccessStatus,
  type Activation,
  type AiKey,
  FORGET_DEACTIVATED_MS,
  type LicenseRecord,
} from './license.ts';
import { keyPeriodCurrent, periodPaymentRefunded } from './period.ts';

export type Verdict = { ok: true } | { ok: false; code: LicenseRefusalCode; detail: string };

/** Whether the license is being activated (no seat yet) or re-validated (seat expected). */
export type CheckPhase = 'activate' | 'validate';

const OK: Verdict = { ok: true };

function refuse(code: LicenseRefusalCode, detail: string): Verdict {
  return { ok: false, code, detail };
}

/**
 * Decides whether a stored license may be used right now. Guards run in this order, the first
 * refusal wins:
 * 1. TRIAL_EXPIRED     a trial past its end;
 * 2. LICENSE_DISABLED  disabled at LemonSqueezy (dashboard, API), or its order fully refunded;
 * 3. LICENSE_EXPIRED   LemonSqueezy says expired, or `expires_at` has passed;
 * 4. LICENSE_EXPIRED   its subscription expired, or was cancelled and its grace (`ends_at`) ran out;
 * 5. LICENSE_INACTIVE  its subscription is unpaid, or paused unless the pause is `free` (the
 *                      merchant keeps offering the service: the license stays usable, with
 *                      the current key until its period ends and no new credit: I5);
 * 6. LICENSE_INACTIVE  (validate only) LemonSqueezy holds no activation of it any more, and
 *                      neither do we (devices whose instance is gone are marked deactivated).
 */
export function checkLicense(license: LicenseRecord, now: Date, phase: CheckPhase): Verdict {
  const ended = license.expiresAt !== null && new Date(license.expiresAt) <= now;
  if (license.kind === 'trial' && ended) {
    return refuse('TRIAL_EXPIRED', 'The trial period has ended.');
  }
  if (license.status === 'disabled') {
    return refuse('LICENSE_DISABLED', 'This license key has been disabled.');
  }
  if (license.refundedAt) {
    return refuse('LICENSE_DISABLED', 'The order of this license key was refunded.');
  }
  // A trial is only ever refused for its end (above) or by an operator disabling it.
  if (license.kind === 'trial') return OK;
  if (license.status === 'expired' || ended) {
    return refuse('LICENSE_EXPIRED', 'This license key has expired.');
  }
  const subscription = license.subscription;
  if (subscription) {
    const graceOver =
      subscription.status === 'cancelled' &&
      subscription.endsAt !== null &&
      new Date(subscription.endsAt) <= now;
    if (subscription.status === 'expired' || graceOver) {
      return refuse('LICENSE_EXPIRED', 'The subscription of this license has ended.');
    }
    const freePause = subscription.status === 'paused' && subscription.pause?.mode === 'free';
    if ((subscription.status === 'paused' && !freePause) || subscription.status === 'unpaid') {
      return refuse(
        'LICENSE_INACTIVE',
        `The subscription of this license is ${subscription.status}.`,
      );
    }
  }
  // `inactive` means LemonSqueezy holds no activation; a device we hold active proves otherwise
  // (the facts were read before it was activated), so only a license without one is refused.
  if (
    phase === 'validate' &&
    license.status === 'inactive' &&
    activeDevices(license).length === 0
  ) {
    return refuse('LICENSE_INACTIVE', 'This license key has no active activation.');
  }
  return OK;
}

/**
 * How a refusal reads to a client that only knows `expired` and `suspended`: an ended license,
 * subscription or trial is expired; anything an operator, a refund or a missing payment or
 * activation took away is suspended.
 */
export function accessAfterRefusal(
  code: LicenseRefusalCode,
): Exclude<AccessStatus, 'active' | 'trial'> {
  return code === 'LICENSE_EXPIRED' || code === 'TRIAL_EXPIRED' ? 'expired' : 'suspended';
}

/**
 * When the license is known to stop being usable, whatever happens meanwhile: its own
 * `expires_at` (LemonSqueezy's, or a trial's end), or the `ends_at` of a subscription that was
 * cancelled (or has expired), whichever comes first; null when nothing known ends it. The shipped
 * client, offline, stays licensed until the `expires_at` it was last told, so this is what it is
 * told.
 */
export function knownEnd(license: LicenseRecord): string | null {
  const subscription = license.subscription;
  const ending =
    subscription && (subscription.status === 'cancelled' || subscription.status === 'expired')
      ? subscription.endsAt
      : null;
  const ends = [license.expiresAt, ending].filter((end): end is string => end !== null);
  if (ends.length === 0) return null;
  return ends.reduce((first, end) => (Date.parse(end) < Date.parse(first) ? end : first));
}

/**
 * Until when an answer may be relied on at most, in ms (cache and offline grace, in the body and
 * the lease): the `knownEnd`, and the end of a LemonSqueezy subscription trial (`on_trial`: its
 * `trial_ends_at`, or `renews_at`, which equals it), past which use needs the first payment. A
 * trial that converts is no known end (its `expires_at` stays the license's own), but nothing
 * unpaid outlives it offline. Infinity when nothing caps it.
 */
export function relianceEnd(license: LicenseRecord): number {
  const subscription = license.subscription;
  const trialEndsAt =
    subscription?.status === 'on_trial'
      ? (subscription.trialEndsAt ?? subscription.renewsAt)
      : null;
  const trialEnd = trialEndsAt ? Date.parse(trialEndsAt) : Number.POSITIVE_INFINITY;
  const end = knownEnd(license);
  return Math.min(end === null ? Number.POSITIVE_INFINITY : Date.parse(end), trialEnd);
}

/**
 * True when the license should get a key now: a SaaS license whose key belongs to an ended
 * period (or to a trial period the first payment ended), or that has none (revoked keys of the
 * current period are enabled again, not due; a refunded period's key is not replaced).
 */
export function isKeyDue(license: LicenseRecord, now: Date): boolean {
  if (license.plan.aiMode !== 'saas') return false;
  const key = license.ai;
  if (!key) return true;
  return !keyPeriodCurrent(license, key, now) && !periodPaymentRefunded(license, key.periodEnd);
}

/**
 * The period's key a device may use now: SaaS, enabled, its period not over (I5) nor refunded nor
 * replaced by a paid period (`keyPeriodCurrent`), and no change of its state at OpenRouter left
 * open (`intent`: it may be disabled there whatever the record says).
 */
export function liveKey(license: LicenseRecord, now: Date): AiKey | undefined {
  const key = license.ai;
  if (license.plan.aiMode !== 'saas' || !key || key.disabledAt || key.intent) return undefined;
  return keyPeriodCurrent(license, key, now) ? key : undefined;
}

/**
 * Whether the license's key carries credit that was withdrawn while its period runs: the
 * period's payment was refunded. Such a key is disabled (`enforceLicense`) and not replaced.
 */
export function creditWithdrawn(license: LicenseRecord, now: Date): boolean {
  const key = license.ai;
  return (
    key !== undefined &&
    new Date(key.periodEnd) > now &&
    periodPaymentRefunded(license, key.periodEnd)
  );
}

/**
 * While a key is due but LemonSqueezy has not recorded the renewal yet (or the subscription is
 * past due), ask again at most this often rather than on every validate.
 */
const DUE_RECHECK_MS = 15 * 60 * 1000;

/** Whether a validate must confirm the stored status with LemonSqueezy before serving it. */
export interface RefreshDecision {
  due: boolean;
  /** A key would be issued on a confirmed status: the stored one may not stand in for it. */
  keyDue: boolean;
}

/**
 * A LemonSqueezy license is refreshed when its stored status is older than `statusTtlMs`, or when
 * its AI key is due and the stored status would let us issue one (a revoked license must not cost
 * an upstream call on every validate), at most every 15 minutes while LemonSqueezy has not
 * recorded the renewal. `verdict` is `checkLicense` of the same license and instant.
 */
export function refreshDecision(
  license: LicenseRecord,
  now: Date,
  verdict: Verdict,
  statusTtlMs: number,
): RefreshDecision {
  if (license.kind !== 'lemonsqueezy') return { due: false, keyDue: false };
  const age = now.getTime() - new Date(license.statusCheckedAt).getTime();
  const keyDue = verdict.ok && isKeyDue(license, now) && age >= DUE_RECHECK_MS;
  return { due: keyDue || age >= statusTtlMs, keyDue };
}

/**
 * Whether the stored devices may be out of step with LemonSqueezy's seats: it counts fewer seats
 * in use than we hold active devices (a webhook's lower `instances_count`, a failed instance
 * list), or a deactivated device is old enough to be forgotten (bounded item size).
 */
export function seatsOutOfStep(license: LicenseRecord, now: Date): boolean {
  const upstream = license.provider;
  if (upstream && upstream.activationUsage < activeDevices(license).length) return true;
  const forgetBefore = new Date(now.getTime() - FORGET_DEACTIVATED_MS).toISOString();
  return deviceSlots(license).some(
    (slot) => slot.state === 'deactivated' && slot.deactivatedAt < forgetBefore,
  );
}

/** Whether the live key's cached `limit_remaining` is older than `usageTtlMs` (worth a read). */
export function usageDue(license: LicenseRecord, now: Date, usageTtlMs: number): boolean {
  const key = liveKey(license, now);
  return key !== undefined && now.getTime() - new Date(key.limitCheckedAt).getTime() >= usageTtlMs;
}

/** How often a device's `last_seen_at` is written: at most once a day, so validates stay write-free. */
export const HEARTBEAT_INTERVAL_MS = 86_400_000;

/**
 * Whether a validate from `device` should record that it was seen: its slot is active and its
 * last recorded sighting (or, before the first, its activation) is a day old or more.
 */
export function heartbeatDue(license: LicenseRecord, device: Activation, now: Date): boolean {
  const slot = slotOf(license, device.instanceName);
  if (slot?.state !== 'active' || slot.instanceId !== device.instanceId) return false;
  const seen = Date.parse(slot.lastSeenAt ?? slot.activatedAt);
  return now.getTime() - seen >= HEARTBEAT_INTERVAL_MS;
}

/**
 * Whether a validate naming no device should record that the license was seen: its last such
 * sighting (or, before the first, its latest activation) is a day old or more.
 */
export function licenseHeartbeatDue(license: LicenseRecord, now: Date): boolean {
  const seen = license.licenseSeenAt ?? license.lastActivation?.activatedAt;
  return seen === undefined || now.getTime() - Date.parse(seen) >= HEARTBEAT_INTERVAL_MS;
}

/**
 * The devices of a license whose seats may be freed for being unused: active, not being freed by
 * a request right now (a claim younger than `staleBefore`), and not seen (no heartbeat, else not
 * since activation) since `seenBefore`. None while validates naming no device keep coming
 * (`licenseSeenAt` since `seenBefore`): any of the devices may be the one calling, so none is
 * idle. Only a usable key's: LemonSqueezy refuses to free seats of a disabled or expired key, and
 * an inactive one holds none.
 */
export function idleDevices(
  license: LicenseRecord,
  seenBefore: Date,
  staleBefore: string,
): Activation[] {
  if (license.kind !== 'lemonsqueezy' || license.status !== 'active') return [];
  if (license.licenseSeenAt && Date.parse(license.licenseSeenAt) >= seenBefore.getTime()) {
    return [];
  }
  return deviceSlots(license).flatMap((slot) => {
    if (slot.state !== 'active') return [];
    if (slot.deactivation && slot.deactivation.claimedAt >= staleBefore) return [];
    if (Date.parse(slot.lastSeenAt ?? slot.activatedAt) >= seenBefore.getTime()) return [];
    return [
      {
        instanceId: slot.instanceId,
        instanceName: slot.instanceName,
        activatedAt: slot.activatedAt,
      },
    ];
  });
}

/** The rolling window the device-change limit counts new devices in. */
export const DEVICE_CHANGE_WINDOW_MS = 30 * 86_400_000;

/**
 * Whether one more new device may take a seat now: within any rolling 30 days a license may seat
 * at most `activation_limit + deviceChanges` devices it never had (so all seats can be set up on
 * day one and the customer can still move `deviceChanges` times). A device the license knows
 * (active or remembered as deactivated) never counts; an unlimited key is never limited.
 * Refused → when the oldest counted change leaves the window.
 */
export function deviceChangeAllowed(
  license: LicenseRecord,
  now: Date,
  deviceChanges: number,
  slotKey?: string,
): { ok: true; recent: Record<string, string> } | { ok: false; retryAt: Date } {
  const recent: Record<string, string> = {};
  const since = now.getTime() - DEVICE_CHANGE_WINDOW_MS;
  for (const [slotKey, at] of Object.entries(license.newDevices ?? {})) {
    if (Date.parse(at) > since) recent[slotKey] = at;
  }
  const limit = license.provider?.activationLimit;
  const times = Object.values(recent).map(Date.parse);
  // A device counted already (its activation failed and is tried again) is not a new change.
  const counted = slotKey !== undefined && Object.hasOwn(recent, slotKey);
  if (counted || limit === null || limit === undefined || times.length < limit + deviceChanges) {
    return { ok: true, recent };
  }
  return { ok: false, retryAt: new Date(Math.min(...times) + DEVICE_CHANGE_WINDOW_MS) };
}

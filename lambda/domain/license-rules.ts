import type { LicenseRefusalCode } from './errors.ts';
import { type AccessStatus, activeDevices, type LicenseRecord } from './license.ts';

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
 * 5. LICENSE_INACTIVE  its subscription is paused or unpaid;
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
    if (subscription.status === 'paused' || subscription.status === 'unpaid') {
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

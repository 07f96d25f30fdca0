import type { DeviceRefusalCode, LicenseRefusalCode } from './errors.ts';
import type { Activation, AiKey, LicenseRecord } from './license.ts';
import { type RateLimit, type RateLimitName, whyLimited } from './rate-limits.ts';

/** A refused business outcome, for the HTTP layer to answer with a 4xx and `code`. */
export interface Refusal {
  ok: false;
  code:
    | LicenseRefusalCode
    | DeviceRefusalCode
    | 'LICENSE_NOT_FOUND'
    | 'TRIAL_ALREADY_USED'
    | 'DISPOSABLE_EMAIL'
    | 'RATE_LIMITED';
  detail: string;
  /** When asking again can succeed, for a refusal that lifts by itself. */
  retry?: Retry;
  /** The rate limit that refused (RATE_LIMITED): its policy goes into the answer's headers. */
  limit?: RateLimit;
}

export type Outcome<T> = { ok: true; value: T } | Refusal;

/** When a refusal lifts: the instant, and the seconds from now (the service's clock) to it. */
export interface Retry {
  at: string;
  afterSeconds: number;
}

/**
 * A refusal that lifts by itself at `retryAt` (the device-change limit, the rate limits): 429
 * with `Retry-After`.
 */
export function refusedUntil(
  code: Refusal['code'],
  detail: string,
  retryAt: Date,
  now: Date,
): Refusal {
  const afterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  return { ok: false, code, detail, retry: { at: retryAt.toISOString(), afterSeconds } };
}

export function refused(code: Refusal['code'], detail: string): Refusal {
  return { ok: false, code, detail };
}

/** 429 RATE_LIMITED: the limit that refused, and when it lifts (`Retry-After`, `retry_at`). */
export function rateLimited(
  which: RateLimitName,
  limit: RateLimit,
  retryAt: Date,
  now: Date,
): Refusal {
  return { ...refusedUntil('RATE_LIMITED', whyLimited(which), retryAt, now), limit };
}

/**
 * What trial, activate and validate hand one device: the license as stored, the device, and the
 * AI key it may use now. The HTTP layer writes it to the wire (`http/license-body.ts`); nothing
 * here knows the wire's field names.
 */
export interface LicenseGrant {
  license: LicenseRecord;
  /** Absent only for a refused license never activated here (validate tells it its status). */
  device?: Activation;
  /**
   * `license` when the request named no device (the shipped client's validate): the answer speaks
   * for the license, and `device` is only its most recent activation, which may not be the caller
   * (the lease then names no device). Absent: the answer is the named device's.
   */
  scope?: 'license';
  /** The key the client sent (or the trial key just made), echoed back to it. */
  licenseKey: string;
  /** The credit period's key, when it is live and the license may be used. */
  aiKey?: AiKey;
  /** Why the license can no longer be used: validate answers `expired`/`suspended` with it. */
  refusal?: { code: LicenseRefusalCode; detail: string };
  /** The features the plan unlocks (none while the license may not be used). */
  entitlements: string[];
  /** Until when the client may rely on this answer without asking again. */
  cacheUntil: string;
  /** Until when, offline, the client may keep relying on it (now, for a refused license). */
  graceUntil: string;
}

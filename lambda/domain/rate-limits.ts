import { type Refusal, refusedUntil } from './outcome.ts';

/**
 * The in-app rate limits: what each counts, per whom. They bound what one caller can make the
 * service spend (LemonSqueezy's 60 calls a minute for the whole store, OpenRouter credit), with
 * or without WAF in front.
 */
export interface RateLimit {
  /** The policy's name on the wire (`RateLimit-Policy: "trial";q=5;w=3600`). */
  name: string;
  /** Requests allowed per window. */
  max: number;
  windowSeconds: number;
}

export interface RateLimits {
  /** `POST /v1/trial`, per client IP. */
  trial: RateLimit;
  /** Requests naming a license key this service does not hold, per client IP. */
  unknownKey: RateLimit;
  /** `POST /v1/activate`, per license. */
  activate: RateLimit;
  /** Validates that would reach LemonSqueezy or OpenRouter, per license. */
  validateUpstream: RateLimit;
  /**
   * LemonSqueezy License API calls (validate, activate, deactivate) made on behalf of one
   * license, whoever asks (a request, a refresh, the reconciler, a sweep), per license: its own
   * share of the store-wide budget, so no license can spend what the others need.
   */
  licenseUpstream: RateLimit;
}

export type RateLimitName = keyof RateLimits;

/** Who sent a request, as the HTTP layer found it: services never see the HTTP event. */
export interface Caller {
  /** Canonical: dotted IPv4, or IPv6 as eight 4-digit groups; `unknown` when none was found. */
  ip: string;
}

/** A service input that carries its caller. */
export interface FromCaller {
  caller: Caller;
}

export const UNKNOWN_IP = 'unknown';

/**
 * The subject an IP limit counts against. An IPv6 customer typically holds a whole /64 (often
 * more), so counting single addresses would let one host rotate through 2^64 of them: its /64
 * is one subject. IPv4 addresses count on their own (a NAT'ed office shares one, which the
 * defaults leave room for).
 */
export function ipSubject(caller: Caller): string {
  if (!caller.ip.includes(':')) return caller.ip;
  return `${caller.ip.split(':').slice(0, 4).join(':')}::/64`;
}

const WHY: Readonly<Record<RateLimitName, string>> = {
  trial: 'Too many trials were started from this network address.',
  unknownKey: 'Too many requests from this network address named unknown license keys.',
  activate: 'This license key was activated too often in a short time.',
  validateUpstream: 'This license key was validated too often in a short time.',
  licenseUpstream: 'LemonSqueezy was asked about this license key too often in a short time.',
};

/** Why limit `which` refused: the sentence a 429 answers with. */
export function whyLimited(which: RateLimitName): string {
  return WHY[which];
}

/** 429 RATE_LIMITED: the limit that refused, and when it lifts (`Retry-After`, `retry_at`). */
export function rateLimited(
  which: RateLimitName,
  limit: RateLimit,
  retryAt: Date,
  now: Date,
): Refusal {
  return { ...refusedUntil('RATE_LIMITED', WHY[which], retryAt, now), limit };
}

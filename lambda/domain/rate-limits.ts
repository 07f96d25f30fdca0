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
 * How much of an IPv6 address the IP limits (trial, unknown-key) count as one subject. A host
 * holds a whole /64 (it picks the last 64 bits itself), and a home is delegated a block of /64s
 * by its ISP: RIPE-690 recommends a /56 (or a /48) per residential customer, and /56 is the
 * common size. Per /64, one home could spread its requests over 256 subjects (256 × 5 trials an
 * hour); per /56 it is one subject, as one IPv4 address behind a home router is. The price is
 * paid where /64s are handed out one per customer: a mobile network gives each device its own
 * /64, so a /56 there may hold many subscribers sharing one count, as they share one address
 * behind carrier NAT on IPv4 (the shipped client is a desktop app, mostly on home and office
 * lines). A wider prefix (/48) would lump 256 such homes together; an ISP that delegates /48s
 * gives its customers 256 subjects each, as /64 did for /56 homes.
 */
export const IPV6_SUBJECT_PREFIX = 56;

/**
 * The subject an IP limit counts against: an IPv4 address on its own (a NAT'ed office shares
 * one, which the defaults leave room for); an IPv6 address by its network prefix of
 * `prefixBits` (`IPV6_SUBJECT_PREFIX`), written as the prefix (`2001:0db8:0001:0200::/56`).
 */
export function ipSubject(caller: Caller, prefixBits = IPV6_SUBJECT_PREFIX): string {
  if (!caller.ip.includes(':')) return caller.ip;
  const groups = caller.ip.split(':').map((group) => Number.parseInt(group, 16));
  const kept = Math.ceil(prefixBits / 16);
  const prefix = groups.slice(0, kept).map((group, index) => {
    const bits = Math.min(16, prefixBits - index * 16);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    return (group & mask).toString(16).padStart(4, '0');
  });
  return `${prefix.join(':')}${kept < 8 ? '::' : ''}/${prefixBits}`;
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

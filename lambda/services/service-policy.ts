import type { RateLimits } from '#domain/rate-limits.ts';

/**
 * The knobs of the service's behaviour, in the units the services use (lambda/config.ts reads
 * them from the environment).
 */
export interface ServicePolicy {
  /** How long a LemonSqueezy status is trusted before validate asks again. */
  statusTtlMs: number;
  /** How long a stored status may still be served while LemonSqueezy is unreachable. */
  statusGraceMs: number;
  /** How long a key's `limit_remaining` is cached before OpenRouter is asked again. */
  usageTtlMs: number;
  /** After this long, a device claim whose holder never finished may be taken over. */
  activationLeaseMs: number;
  /** How long a request waits for a parallel activation of the same device to finish. */
  activationWaitMs: number;
  /** Accept LemonSqueezy test-mode keys (sandbox/staging only). */
  allowTestMode: boolean;
  /** What a trial's canonical device id must match as a whole; anything else is refused. */
  trialDeviceIdPattern: RegExp;
  /** Refuse trials for addresses at disposable email domains (and their subdomains). */
  blockDisposableEmails: boolean;
  /** Carried in every OpenRouter key name; the reaper only touches keys with its own (I6). */
  deploymentId: string;
  /** The in-app rate limits; with `enabled` false nothing is counted (load tests, benchmark). */
  rateLimits: RateLimits & { enabled: boolean };
  /** How long LemonSqueezy's "unknown"/"not ours" of a key we do not hold is reused; 0: never. */
  negativeCacheMs: number;
}

import { type Refusal, rateLimited, refused } from '#domain/outcome.ts';
import { type Caller, ipSubject, type RateLimitName } from '#domain/rate-limits.ts';
import type { ServiceDeps } from './service-deps.ts';

export type LimitDeps = Pick<ServiceDeps, 'limiter' | 'clock' | 'policy' | 'metrics'>;

/**
 * Counts this request against limit `which` for `subject` (an IP's subject, or a license hash:
 * never a raw key). Undefined while within the limit; otherwise the 429 refusal to answer with.
 * A failing table fails the request (503): the limits guard upstream budgets, so they are not
 * skipped when they cannot be counted.
 */
export async function overLimit(
  deps: LimitDeps,
  which: RateLimitName,
  subject: string,
): Promise<Refusal | undefined> {
  const limit = deps.policy.rateLimits[which];
  const now = deps.clock.now();
  const check = await deps.limiter.take(limit, subject, now);
  if (check.allowed) return undefined;
  deps.metrics.count('RateLimited', { Policy: limit.name });
  return rateLimited(which, limit, check.retryAt, now);
}

/** What a request naming a license never activated here is told (validate, deactivate, devices). */
export const NOT_ACTIVATED_HERE = 'This license key has not been activated here.';

/**
 * A key this service holds no usable license for, answered without asking LemonSqueezy: counted
 * against the caller's IP limit on unknown keys (429 once spent, so guessing keys costs the
 * guesser), else LICENSE_NOT_FOUND with `detail`.
 */
export async function refuseUnknownKey(
  deps: LimitDeps,
  caller: Caller,
  detail = NOT_ACTIVATED_HERE,
): Promise<Refusal> {
  const limited = await overLimit(deps, 'unknownKey', ipSubject(caller));
  return limited ?? refused('LICENSE_NOT_FOUND', detail);
}

import type { RateLimit } from '#domain/rate-limits.ts';

/** What one request's check found: within the limit (and what is left of it), or over it. */
export type RateCheck =
  | { allowed: true; remaining: number; resetAt: Date }
  | { allowed: false; retryAt: Date };

/**
 * Counts requests per subject (a client IP's subject or a license hash, never a raw key) against
 * a limit. Each check counts the request it is asked about; a refused request is not counted.
 */
export interface RateLimiter {
  take(limit: RateLimit, subject: string, now: Date): Promise<RateCheck>;
}

/** `RATE_LIMITS=off` (load tests, the benchmark): every request allowed, nothing written. */
export const unlimited: RateLimiter = {
  take: async (limit, _subject, now) => ({
    allowed: true,
    remaining: limit.max,
    resetAt: new Date(now.getTime() + limit.windowSeconds * 1000),
  }),
};

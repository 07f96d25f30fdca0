import { isDomainError } from './errors.ts';

/** How long an instance counts as "in trouble" after an upstream call failed. */
export const TROUBLE_WINDOW_MS = 10 * 60_000;

/**
 * Whether this instance (one Lambda execution environment) saw LemonSqueezy or OpenRouter fail
 * lately. In health, the stored timestamps bound what a license can make us ask upstream (one
 * status check and one usage read a day), so validates write no rate-limit counter; once a call
 * has failed, a failing upstream is asked again on every validate, so for `TROUBLE_WINDOW_MS`
 * validates that need an upstream count against the per-license limit again and usage reads
 * (display only) are skipped. Memory only: each instance learns it from its own calls.
 */
export class UpstreamTrouble {
  #lastFailure = Number.NEGATIVE_INFINITY;

  /** Notes `error` at `at` if it is an upstream's failure (UpstreamError); says whether it was. */
  noteFailure(error: unknown, at: Date): boolean {
    if (!isDomainError(error) || error.name !== 'UpstreamError') return false;
    this.#lastFailure = Math.max(this.#lastFailure, at.getTime());
    return true;
  }

  recent(now: Date): boolean {
    return now.getTime() - this.#lastFailure < TROUBLE_WINDOW_MS;
  }
}

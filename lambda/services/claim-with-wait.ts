import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamError } from '#domain/errors.ts';
import type { ServiceDeps } from './service-deps.ts';

/** One try at a claim: a fresh id, when it is made, and before when another holder's is stale. */
export interface ClaimTry {
  claimId: string;
  now: Date;
  staleBefore: string;
}

/** How often a waiting request looks again whether the holder of the claim has finished. */
const POLL_MS = 25;

/**
 * Runs `attempt` for work only one request may do at a time (a device's activation, a webhook
 * delivery), each try with a fresh claim. `undefined` means another request holds the claim:
 * this one waits, runs `beforeRetry` (to read what the holder changed) and tries again, until
 * `activationWaitMs` has passed; then a retryable 503 says `stillUnderWay`.
 */
export async function claimWithWait<T>(
  deps: Pick<ServiceDeps, 'clock' | 'policy'>,
  stillUnderWay: string,
  attempt: (claim: ClaimTry) => Promise<T | undefined>,
  beforeRetry?: () => Promise<void>,
): Promise<T> {
  const deadline = performance.now() + deps.policy.activationWaitMs;
  for (;;) {
    const now = deps.clock.now();
    const staleBefore = new Date(now.getTime() - deps.policy.activationLeaseMs).toISOString();
    const result = await attempt({ claimId: randomUUID(), now, staleBefore });
    if (result !== undefined) return result;
    if (performance.now() > deadline) {
      throw new UpstreamError('lemonsqueezy', 'unavailable', stillUnderWay);
    }
    await sleep(POLL_MS);
    await beforeRetry?.();
  }
}

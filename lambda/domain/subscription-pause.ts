import type { SubscriptionPause } from './license.ts';

/**
 * LemonSqueezy's `pause` object in domain terms, for the webhook and the REST reader alike:
 * only `mode: "free"` is free; `void`, a mode we do not know, or none at all read as `void`
 * (the license stays refused unless LemonSqueezy says the service is still offered).
 */
export function pauseOf(
  pause: { mode?: string | null | undefined; resumes_at: string | null } | null,
): SubscriptionPause | null {
  if (pause === null) return null;
  return { mode: pause.mode === 'free' ? 'free' : 'void', resumesAt: pause.resumes_at };
}

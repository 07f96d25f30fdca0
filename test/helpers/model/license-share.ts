import { expect } from 'vitest';
import type { Model, World } from '#test/helpers/model/world.ts';
import type { HttpResult } from '#test/helpers/test-stack.ts';

/**
 * The license's own share of LemonSqueezy's budget (`RATE_LIMIT_LICENSE_UPSTREAM`, the service's
 * default in the model: 3 License API calls a minute), modelled from the ground truth: the calls
 * that reached the LemonSqueezy double naming the license, by window, less the customer's own
 * (a seat freed in LemonSqueezy's UI, `model.directCalls`) and a healthy validate's refresh
 * (`world.healthyRefreshCalls`: bounded by the status timestamps, not counted). The service counts each call before
 * making it, so in no window may it have made more than its share; and it may refuse a call
 * (429, policy `lemonsqueezy-license`) only once its calls in that window reached the share, or
 * in a window where a DynamoDB answer was lost after its write committed (the SDK's retry then
 * counts a call twice: a count may run ahead of the calls, `model.overcounted`).
 */

export const SHARE_POLICY = 'lemonsqueezy-license';

function share(world: World) {
  return world.stack.deps.policy.rateLimits.licenseUpstream;
}

/** The share's window an instant falls in (fixed windows from the Unix epoch, as counted). */
export function shareWindow(world: World, at: number): number {
  return Math.floor(at / (share(world).windowSeconds * 1000));
}

/** The service's License API calls for the model's license, per window. */
function callsByWindow(world: World, model: Model): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (at: number, by: number) => {
    const window = shareWindow(world, at);
    counts.set(window, (counts.get(window) ?? 0) + by);
  };
  for (const at of world.stack.lemonSqueezy.licenseApiCalls(world.license.key)) {
    add(at.getTime(), 1);
  }
  for (const at of model.directCalls) add(at, -1);
  for (const at of world.healthyRefreshCalls) add(at, -1);
  return counts;
}

/** The service's License API calls for the license in the current window. */
export function callsNow(world: World, model: Model): number {
  const window = shareWindow(world, world.stack.clock.now().getTime());
  return callsByWindow(world, model).get(window) ?? 0;
}

/** Whether the license's share of this window is spent (or may look so, `overcounted`). */
export function shareSpent(world: World, model: Model): boolean {
  const window = shareWindow(world, world.stack.clock.now().getTime());
  return model.overcounted.has(window) || callsNow(world, model) >= share(world).max;
}

/** The invariant: in no window did the service ask LemonSqueezy about the license more often. */
export function checkShareKept(world: World, model: Model): void {
  const { max } = share(world);
  for (const [window, calls] of callsByWindow(world, model)) {
    expect(calls, `the license's share: ${calls} License API calls in window ${window}`).toBe(
      Math.min(calls, max),
    );
  }
}

/**
 * Checks a 429 naming the license's share: its shape (Retry-After, the policy) and that the
 * share was spent. False for any other answer, which the caller checks as usual.
 */
export function checkShareRefusal(
  world: World,
  model: Model,
  response: HttpResult,
  context: string,
): boolean {
  const policy = response.headers?.['ratelimit-policy'] ?? '';
  if (response.status !== 429 || !policy.startsWith(`"${SHARE_POLICY}"`)) return false;
  expect(response.body?.code, context).toBe('RATE_LIMITED');
  expect(Number(response.headers?.['retry-after']), context).toBeGreaterThan(0);
  expect(shareSpent(world, model), `429 with the license's share not spent: ${context}`).toBe(true);
  return true;
}

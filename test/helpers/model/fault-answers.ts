import { expect } from 'vitest';
import type { Model, World } from '#test/helpers/model/world.ts';
import type { HttpResult } from '#test/helpers/test-stack.ts';

/**
 * Whether an answer is a failure the armed fault explains, one the model must not learn from:
 * - no answer at all (status 0) only from a request whose instance crashed (the client never got
 *   one, so nothing of it is checked);
 * - never a 500: an unknown throw is a bug, whatever was injected;
 * - any other 5xx only as a 503 right after an injected fault (upstream or DynamoDB), and after
 *   a DynamoDB fault with a stable JSON `code` (throttling and conflicts are "database trouble",
 *   style rule 4).
 * Returns false for an answer below 500, which the caller checks as usual.
 */
export function failedAsArmed(model: Model, response: HttpResult, context: string): boolean {
  if (response.status === 0) {
    expect(model.crashArmed, `no answer without a crash: ${context}`).toBe(true);
    return true;
  }
  expect(response.status, context).not.toBe(500);
  if (response.status < 500) return false;
  expect(model.faultArmed, `unexpected ${context}`).toBe(true);
  expect(response.status, context).toBe(503);
  if (model.dbFault) {
    expect(typeof response.body?.code, `a 503 without a code: ${context}`).toBe('string');
  }
  return true;
}

/**
 * A refusal (4xx, not a rate limit) of trial, activate or validate given while a DynamoDB fault
 * was armed must be one the unfaulted world gives too: a fault may make the service fail (503),
 * never change its verdict. So it has to be explained by the state after the step:
 * - LICENSE_DISABLED / LICENSE_EXPIRED / LICENSE_INACTIVE: LemonSqueezy or the stored item says
 *   the license cannot be used, or a refund was delivered;
 * - ACTIVATION_LIMIT_REACHED: LemonSqueezy holds every seat for other devices than `device`;
 * - LICENSE_NOT_FOUND: the license was never activated here;
 * - INSTANCE_MISMATCH: the named instance is not a device the item holds active;
 * - DEVICE_CHANGE_LIMIT is checked where every activation is (device-checks.ts).
 * Anything else (TRIAL_ALREADY_USED for the sequence's own first trial, IDEMPOTENCY_IN_PROGRESS,
 * a claim taken for a rival's …) is a fault turned into a wrong verdict.
 */
export async function checkRefusalUnderFault(
  world: World,
  model: Model,
  response: HttpResult,
  context: string,
  request: { device?: string; instanceId?: string },
): Promise<void> {
  if (!model.dbFault || response.status < 400 || response.status >= 500) return;
  if (response.status === 429) return;
  const code = response.body?.code as string | undefined;
  const truth = world.stack.lemonSqueezy.snapshot(world.license.key);
  const item = await world.readItem();
  const slots = Object.values(
    (item?.devices ?? {}) as Record<string, { state: string; instanceId?: string }>,
  );
  let explained = false;
  switch (code) {
    case 'LICENSE_DISABLED':
    case 'LICENSE_EXPIRED':
    case 'LICENSE_INACTIVE':
      explained =
        truth.status !== 'active' ||
        (item?.status !== undefined && item.status !== 'active') ||
        model.refunded ||
        ['expired', 'paused', 'unpaid', 'cancelled'].includes(truth.subscription?.status ?? '');
      break;
    case 'ACTIVATION_LIMIT_REACHED':
      explained =
        truth.instances.filter((instance) => instance.name !== request.device).length >=
        (truth.activationLimit ?? Number.POSITIVE_INFINITY);
      break;
    case 'LICENSE_NOT_FOUND':
      explained = item?.lastActivation === undefined;
      break;
    case 'INSTANCE_MISMATCH':
      explained = !slots.some(
        (slot) => slot.state === 'active' && slot.instanceId === request.instanceId,
      );
      break;
    case 'DEVICE_CHANGE_LIMIT':
      explained = true;
      break;
  }
  expect(
    explained,
    `a refusal the ${model.dbFault} fault made up (the unfaulted world would not give it): ${context}`,
  ).toBe(true);
}

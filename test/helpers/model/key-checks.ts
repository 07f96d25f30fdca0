import { expect } from 'vitest';
import type { IssuedKey } from '#local/sandbox/openrouter-keys.ts';
import type { Model, World } from '#test/helpers/model/world.ts';
import type { HttpResult } from '#test/helpers/test-stack.ts';

/**
 * The checks of served tokens and of keys against LemonSqueezy's truth: what a 200 promised,
 * what a disabled license may not keep, and (after the sweep) that every seat LemonSqueezy holds
 * is recorded here.
 */

function live(world: World, key: IssuedKey | undefined): boolean {
  const now = world.stack.clock.now().getTime();
  return (
    key !== undefined &&
    !key.disabled &&
    !key.deleted &&
    (key.expiresAt === null || Date.parse(key.expiresAt) > now)
  );
}

/** Why LemonSqueezy says the license may not be used (status or subscription), if it does. */
function unusableAtLemonSqueezy(world: World) {
  const snapshot = world.stack.lemonSqueezy.snapshot(world.license.key);
  const sub = snapshot.subscription?.status;
  const voidPause = sub === 'paused' && snapshot.subscription?.pause?.mode !== 'free';
  return {
    license: snapshot.status === 'disabled' || snapshot.status === 'expired',
    subscription: sub === 'expired' || voidPause,
    // A free trial's key is replaced by the paid period's once the trial is over (paid or not).
    trialOver: sub !== undefined && sub !== 'on_trial',
    trialEnd: snapshot.subscription?.trialEndsAt?.slice(0, 10),
  };
}

/**
 * A 200 that carries a token promises a working key: right after it, the token is a key the
 * OpenRouter double holds, enabled, not deleted, not expired. The model remembers it as the
 * token `who` (a device, the license, the trial) was served last, unless a seat was freed at
 * LemonSqueezy that we have not heard of (the webhook refused, dropped or delayed).
 */
export function checkServedToken(
  world: World,
  model: Model,
  who: string,
  response: HttpResult,
  context: string,
): void {
  const token = response.body?.ai_details?.token as string | undefined;
  if (response.status !== 200 || !token) return;
  const key = world.stack.openRouter.keys().find((entry) => entry.key === token);
  expect(live(world, key), `a served token does not work at OpenRouter: ${context}`).toBe(true);
  // Served before we heard of a seat freed behind our back: the news may take the key away.
  if (!model.seatFreedUnheard) model.promised.set(who, token);
}

/**
 * After every step: each token served last still works at OpenRouter while that is promised:
 * the license is usable at LemonSqueezy, no refund was sent, the key's period has not ended, and
 * no step since took access away (those steps drop the promises: an operator's hold or rotation,
 * a deactivation, a seat freed, the idle sweep). A license that stops being usable voids them.
 */
export function checkPromises(world: World, model: Model): void {
  const unusable = unusableAtLemonSqueezy(world);
  const now = world.stack.clock.now().getTime();
  for (const [who, token] of model.promised) {
    const key = world.stack.openRouter.keys().find((entry) => entry.key === token);
    const ended = key?.expiresAt != null && Date.parse(key.expiresAt) <= now;
    const until = key?.name.split(' until ')[1] ?? '';
    const trialPeriod = unusable.trialEnd !== undefined && until <= unusable.trialEnd;
    const voided =
      who !== 'trial' &&
      (unusable.license ||
        unusable.subscription ||
        model.refunded ||
        model.refundedPeriods.has(until) ||
        (trialPeriod && unusable.trialOver));
    if (ended || voided) {
      model.promised.delete(who);
      continue;
    }
    expect(
      live(world, key),
      `the token served to ${who} no longer works at OpenRouter (${key ? `disabled ${key.disabled}, deleted ${key.deleted}` : 'no such key'})`,
    ).toBe(true);
  }
}

/**
 * A disabled license has no enabled key: once LemonSqueezy says the license is disabled or
 * expired, or its subscription expired or paused, and the service was told (the newest change
 * of that stream delivered; `regardless` after the sweep, which asks LemonSqueezy itself), or a
 * refund was delivered, no key of the license is live at OpenRouter.
 */
export function checkNoEnabledKey(world: World, model: Model, regardless = false): void {
  const unusable = unusableAtLemonSqueezy(world);
  const known =
    (unusable.license && (regardless || model.informed.license)) ||
    (unusable.subscription && (regardless || model.informed.subscription)) ||
    model.refunded;
  if (!known) return;
  const enabled = world.stack.openRouter
    .keys()
    .filter((key) => key.name.includes(world.licenseHash) && live(world, key))
    .map((key) => key.name);
  expect(
    enabled,
    `a disabled license has an enabled key${regardless ? ' after the sweep' : ''}`,
  ).toEqual([]);
}

/**
 * After the sweep (reaper and reconciler, past the activation lease): every seat LemonSqueezy
 * holds for the license is recorded here, and nothing else: its instances are exactly the
 * devices the license item holds active.
 */
export async function checkSeatsRecorded(world: World): Promise<void> {
  const held = world.stack.lemonSqueezy
    .snapshot(world.license.key)
    .instances.map((instance) => `${instance.id} ${instance.name}`)
    .sort();
  const item = await world.readItem();
  const slots = Object.values(
    (item?.devices ?? {}) as Record<
      string,
      { state: string; instanceId?: string; instanceName: string }
    >,
  );
  const recorded = slots
    .filter((slot) => slot.state === 'active')
    .map((slot) => `${slot.instanceId} ${slot.instanceName}`)
    .sort();
  expect(recorded, 'after the sweep: the seats at LemonSqueezy = the active devices here').toEqual(
    held,
  );
}

/**
 * A period whose payment's refund was delivered has no live key (its key disabled at once, none
 * issued in it again), whatever else happens in the period.
 */
export function checkRefundedPeriods(world: World, model: Model): void {
  if (model.refundedPeriods.size === 0) return;
  const stillLive = world.stack.openRouter
    .keys()
    .filter((key) => key.name.includes(world.licenseHash) && live(world, key))
    .filter((key) => model.refundedPeriods.has(key.name.split(' until ')[1] ?? ''))
    .map((key) => key.name);
  expect(stillLive, 'I1: a live key of a period whose payment was refunded').toEqual([]);
}

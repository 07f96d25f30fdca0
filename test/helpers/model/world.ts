import { expect } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import type { WebhookBody } from '#local/webhook-sender.ts';
import type { FaultKind } from '#test/helpers/dynamodb-faults.ts';
import type { CrashSwitch } from '#test/helpers/model/crash.ts';
import { checkRefusalUnderFault, failedAsArmed } from '#test/helpers/model/fault-answers.ts';
import {
  checkNoEnabledKey,
  checkPromises,
  checkRefundedPeriods,
  checkServedToken,
} from '#test/helpers/model/key-checks.ts';
import { checkShareKept, checkShareRefusal } from '#test/helpers/model/license-share.ts';
import type { HttpResult, TestStack } from '#test/helpers/test-stack.ts';

/** The plan the model's license is sold on (config/products.json, starter monthly). */
export const PLAN_CREDIT_USD = 6;
export const TRIAL_CREDIT_USD = 2;
export const SEATS = 2;

/**
 * What the model knows that the service may or may not know yet: which webhook events are still
 * undelivered, whether the latest change of each stream reached the service, and what it has
 * answered so far. The doubles hold the ground truth (LemonSqueezy: status, seats,
 * subscription; OpenRouter: every key ever created with its limit, usage and state).
 */
export interface Model {
  devices: string[];
  /** Device name → the instance id our last 200 for it carried. */
  instanceOf: Map<string, string>;
  /** Events not delivered yet (delayed, to be delivered later, maybe out of order). */
  pending: Outgoing[];
  /** How many changes each stream has seen; an event carries the version it describes. */
  version: { license: number; subscription: number };
  /** Whether the newest change of each stream was delivered (and answered 200) since it happened. */
  informed: { license: boolean; subscription: boolean };
  refunded: boolean;
  /** Subscription payments made so far: the invoice, when billed, the period it paid for. */
  payments: Payment[];
  /** Periods (the `until` date of their keys) whose payment's refund was delivered. */
  refundedPeriods: Set<string>;
  /** A fault was injected before this step: a 503 is an acceptable answer. */
  faultArmed: boolean;
  /** The upstream route the armed fault is on (`lemonSqueezy deactivate`, …). */
  faultRoute?: string;
  /** The DynamoDB fault armed before this step (`faultArmed` is set too). */
  dbFault?: FaultKind;
  /** A crash is armed for this step's request: its answer may be none (status 0). */
  crashArmed: boolean;
  /** Who (a device, `license`, `trial`) was served which token last, while that is a promise. */
  promised: Map<string, string>;
  /**
   * A seat was freed at LemonSqueezy and no license_key_updated saying so has reached us yet: a
   * token served meanwhile rests on facts LemonSqueezy already changed, so it promises nothing.
   */
  seatFreedUnheard: boolean;
  factsAsOf?: string;
  trial?: { key: string; device: string; email: string };
  /** When the sequence first asked for its trial without getting one (no answer, a 503). */
  trialTriedAt?: number;
  /** Devices the license had never had when an activation of theirs answered 200, and when. */
  newSeats: Array<{ name: string; at: number }>;
  /** How many brand-new device names the sequence has made up so far. */
  freshDevices: number;
  /** When the customer called LemonSqueezy's License API for the license directly (its UI). */
  directCalls: number[];
  /** Windows of the license's share whose count may run ahead of its calls (license-share.ts). */
  overcounted: Set<number>;
}

/** A webhook event on its way: which stream it belongs to and the change it describes. */
export interface Outgoing {
  body: WebhookBody;
  stream: 'license' | 'subscription' | 'refund' | 'payment' | 'payment-refund';
  version: number;
  /** A refunded payment's period (its keys' `until` date). */
  period?: string;
}

export interface Payment {
  invoiceId: string;
  billedAt: string;
  /** The `until` date of the keys of the period it paid for. */
  period: string;
}

export interface World {
  stack: TestStack;
  /**
   * A client request, from this sequence's own address: the model runs at the service's default
   * rate limits, which count per client IP (trials, unknown keys) and per license.
   */
  post(path: string, body: unknown): Promise<HttpResult>;
  /**
   * License API calls made by validates begun while the service was in health: not counted
   * against the license's share, one refresh a status TTL (license-share.ts).
   */
  healthyRefreshCalls: number[];
  /** The license item as stored (a plain GetItem: the table, not our store adapter). */
  readItem(): Promise<Record<string, unknown> | undefined>;
  license: SeededLicense;
  licenseHash: string;
  trialEmail: string;
  /** Crashes of the instance serving a request (simulated: see crash.ts). */
  crash: CrashSwitch;
}

/**
 * Why LemonSqueezy's ground truth makes the license unusable, per stream, or undefined when it
 * is usable on that stream.
 */
export function truthOf(world: World) {
  const snapshot = world.stack.lemonSqueezy.snapshot(world.license.key);
  const now = world.stack.clock.now().getTime();
  const licenseUnusable = snapshot.status === 'disabled' || snapshot.status === 'expired';
  const sub = snapshot.subscription;
  const subscriptionUnusable =
    sub !== undefined &&
    (sub.status === 'expired' ||
      (sub.status === 'paused' && sub.pause?.mode !== 'free') ||
      sub.status === 'unpaid' ||
      (sub.status === 'cancelled' && sub.endsAt !== null && Date.parse(sub.endsAt) <= now));
  return { snapshot, licenseUnusable, subscriptionUnusable };
}

/**
 * Checks an answer of trial, activate or validate (`device`: the device named, if one is):
 * - never a 500, never a 5xx but 503 after an injected fault, no answer only from a crash
 *   (fault-answers.ts); under a DynamoDB fault, no refusal the state does not explain;
 * - a 429 is RATE_LIMITED (the default limits: e.g. more than 10 activations of the license in
 *   a minute; the license's share of LemonSqueezy calls only once the model counts it spent,
 *   license-share.ts) or, for an activation, DEVICE_CHANGE_LIMIT, with `Retry-After`;
 * - I2: no `ai_details` once the service was told (by a delivered webhook describing the newest
 *   change) that the license cannot be used, or after a delivered full refund;
 * - an activation's 200 names an instance LemonSqueezy holds right now (I2/I3);
 * - a token served works at OpenRouter right then (key-checks.ts), and is remembered as promised.
 */
export async function checkAnswer(
  world: World,
  model: Model,
  route: string,
  response: HttpResult,
  request: { device?: string; instanceId?: string } = {},
): Promise<void> {
  const context = `${route} → ${response.status} ${response.text.slice(0, 300)}`;
  if (failedAsArmed(model, response, context)) return;
  await checkRefusalUnderFault(world, model, response, context, request);
  if (checkShareRefusal(world, model, response, context)) return;
  if (response.status === 429) {
    const codes =
      route === '/v1/activate' ? ['RATE_LIMITED', 'DEVICE_CHANGE_LIMIT'] : ['RATE_LIMITED'];
    expect(codes, context).toContain(response.body.code);
    expect(Number(response.headers?.['retry-after']), context).toBeGreaterThan(0);
  }
  if (response.status !== 200) return;
  if (route === '/v1/trial') {
    checkServedToken(world, model, 'trial', response, context);
    return;
  }
  const truth = truthOf(world);
  const knownUnusable =
    (truth.licenseUnusable && model.informed.license) ||
    (truth.subscriptionUnusable && model.informed.subscription) ||
    model.refunded;
  const isTrial = response.body?.licenseKey?.startsWith('trial-');
  if (knownUnusable && !isTrial) {
    expect(
      response.body.ai_details,
      `I2: a token while known unusable: ${context}`,
    ).toBeUndefined();
  }
  const until = String(response.body?.ai_details?.expires_at ?? '').slice(0, 10);
  expect(model.refundedPeriods.has(until), `I1: a token of a refunded period: ${context}`).toBe(
    false,
  );
  checkUsageFigure(world, response, context);
  checkServedToken(
    world,
    model,
    isTrial ? 'trial' : (request.device ?? 'license'),
    response,
    context,
  );
  if (route === '/v1/activate' && !isTrial) {
    const held = truth.snapshot.instances.map((instance) => instance.id);
    expect(
      held,
      `I3: activation answered an instance LemonSqueezy does not hold: ${context}`,
    ).toContain(response.body.instanceId);
  }
}

/**
 * The usage figure an answer shows is a reading OpenRouter gave, not a guess (docs/design.md,
 * "Usage freshness"): read no later than now, and, as a key's usage only grows, never less than
 * what the key has left now.
 */
function checkUsageFigure(world: World, response: HttpResult, context: string): void {
  const details = response.body?.ai_details as
    | { token: string; limit_remaining: number; limit_checked_at: string }
    | undefined;
  if (!details) return;
  const now = world.stack.clock.now().getTime();
  expect(
    Date.parse(details.limit_checked_at),
    `usage read in the future: ${context}`,
  ).toBeLessThanOrEqual(now);
  const key = world.stack.openRouter.keys().find((entry) => entry.key === details.token);
  expect(key, `a token OpenRouter does not have: ${context}`).toBeDefined();
  const left = (key?.limit ?? Number.POSITIVE_INFINITY) - (key?.usage ?? 0);
  expect(
    details.limit_remaining + 1e-9,
    `usage figure below the truth: ${context}`,
  ).toBeGreaterThanOrEqual(left);
}

/**
 * The invariants that must hold after every step, against the doubles' ground truth and the
 * table:
 * - I1: for each credit period (keys named `… <licenseHash> until <date>`), the credit exposed
 *   (the limit of each live key, the usage of each disabled, deleted or expired one) never
 *   exceeds the plan's credit (the trial's for the trial, and for a subscription's free-trial
 *   period); a period whose payment's refund was delivered has no live key (key-checks.ts);
 * - I3: the devices we hold active never outnumber LemonSqueezy's activation limit, and no
 *   device claim (activation or deactivation) outlives the step that made it, but a crash's;
 * - I4: the stored facts never go back in time;
 * - the license's share of LemonSqueezy calls is never exceeded in any window (license-share.ts);
 * - every token served last works at OpenRouter while that is promised, and a license known to
 *   be disabled has no enabled key (key-checks.ts).
 */
export async function checkInvariants(world: World, model: Model): Promise<void> {
  const { stack } = world;
  const now = stack.clock.now().getTime();
  const exposedBy = new Map<string, number>();
  const trialHash = model.trial ? licenseHashOf(model.trial.key) : undefined;
  for (const key of stack.openRouter.keys()) {
    const owner = [world.licenseHash, trialHash].find((hash) => hash && key.name.includes(hash));
    if (!owner) continue;
    const period = `${owner}|${key.name.split(' until ')[1]}`;
    const dead =
      key.disabled || key.deleted || (key.expiresAt !== null && Date.parse(key.expiresAt) <= now);
    const exposed = dead ? key.usage : (key.limit ?? Number.POSITIVE_INFINITY);
    exposedBy.set(period, (exposedBy.get(period) ?? 0) + exposed);
  }
  // A subscription's free-trial period (ending at or before `trial_ends_at`) has the trial's credit.
  const trialEnd = stack.lemonSqueezy.snapshot(world.license.key).subscription?.trialEndsAt;
  for (const [period, exposed] of exposedBy) {
    const [owner, until = ''] = period.split('|');
    const trialPeriod = owner === trialHash || (trialEnd && until <= trialEnd.slice(0, 10));
    const credit = trialPeriod ? TRIAL_CREDIT_USD : PLAN_CREDIT_USD;
    expect(exposed, `I1: credit exposed in period ${period}`).toBeLessThanOrEqual(credit + 1e-9);
  }
  checkPromises(world, model);
  checkShareKept(world, model);
  checkNoEnabledKey(world, model);
  checkRefundedPeriods(world, model);
  const item = await world.readItem();
  if (!item) return;
  const active = Object.values(item.devices as Record<string, { state: string }>).filter(
    (slot) => slot.state === 'active',
  );
  expect(active.length, 'I3: devices held active').toBeLessThanOrEqual(SEATS);
  // Steps run one at a time, so every claim on a slot is settled (kept or given back) by the end
  // of one: an activation's `pending` or a deactivation's claim left behind is half-written state.
  // Only a crashed request leaves one, and the crash moves the clock past the lease: a stale
  // claim is the next request's to take over.
  const staleBefore = new Date(now - stack.deps.policy.activationLeaseMs).toISOString();
  const slots = Object.values(item.devices as Record<string, Record<string, unknown>>);
  const claimOf = (slot: Record<string, unknown>) =>
    (slot.state === 'pending' ? slot : slot.deactivation) as { claimedAt?: string } | undefined;
  const unsettled = slots.filter((slot) => {
    const claim = claimOf(slot);
    return claim !== undefined && !(String(claim.claimedAt) < staleBefore);
  });
  expect(unsettled, 'a device claim left behind').toEqual([]);
  const factsAsOf = item.factsAsOf as string | undefined;
  if (model.factsAsOf && factsAsOf) {
    expect(
      factsAsOf >= model.factsAsOf,
      `I4: facts went back from ${model.factsAsOf} to ${factsAsOf}`,
    ).toBe(true);
  }
  model.factsAsOf = factsAsOf ?? model.factsAsOf;
}

import fc from 'fast-check';
import { expect } from 'vitest';
import { DAY, HOUR, MINUTE } from '#local/manual-clock.ts';
import type { Fault } from '#local/sandbox/faults.ts';
import type { WebhookBody } from '#local/webhook-sender.ts';
import { reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { deliver, eventFor } from '../webhook-events.ts';
import { checkAnswer, checkInvariants, type Model, truthOf, type World } from './world.ts';

type Stream = 'license' | 'subscription';
type Delivery = 'deliver' | 'drop' | 'duplicate' | 'delay';

/** Every step: the action, then the invariants; a fault armed by the step before is used up. */
abstract class Step implements fc.AsyncCommand<Model, World> {
  check(): boolean {
    return true;
  }

  async run(model: Model, world: World): Promise<void> {
    const armedBefore = model.faultArmed;
    await this.act(model, world);
    if (armedBefore && !(this instanceof InjectFault)) {
      world.stack.lemonSqueezy.faults.clear();
      world.stack.openRouter.faults.clear();
      model.faultArmed = false;
    }
    await checkInvariants(world, model);
  }

  protected abstract act(model: Model, world: World): Promise<void>;
  abstract toString(): string;
}

class Activate extends Step {
  constructor(readonly device: number) {
    super();
  }
  protected async act(model: Model, world: World) {
    const name = model.devices[this.device] as string;
    const response = await world.stack.post('/v1/activate', {
      instanceName: name,
      licenseKey: world.license.key,
    });
    checkAnswer(world, model, '/v1/activate', response);
    if (response.status === 200) model.instanceOf.set(name, response.body.instanceId);
  }
  toString() {
    return `activate(d${this.device})`;
  }
}

class Validate extends Step {
  constructor(
    readonly device: number,
    readonly naming: boolean,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    const instanceId = this.naming
      ? model.instanceOf.get(model.devices[this.device] as string)
      : undefined;
    const response = await world.stack.post('/v1/validate', {
      licenseKey: world.license.key,
      ...(instanceId ? { instanceId } : {}),
    });
    checkAnswer(world, model, '/v1/validate', response);
  }
  toString() {
    return `validate(${this.naming ? `d${this.device}` : 'license'})`;
  }
}

class Trial extends Step {
  protected async act(model: Model, world: World) {
    const device = model.trial?.device ?? `trial-device-${world.trialEmail}`;
    if (model.trial) {
      const again = await world.stack.post('/v1/validate', { licenseKey: model.trial.key });
      checkAnswer(world, model, '/v1/validate', again);
      return;
    }
    const response = await world.stack.post('/v1/trial', {
      instanceName: device,
      email: world.trialEmail,
    });
    checkAnswer(world, model, '/v1/trial', response);
    if (response.status === 200) {
      model.trial = { key: response.body.licenseKey, device, email: world.trialEmail };
    }
  }
  toString() {
    return 'trial';
  }
}

/** The customer frees a seat in LemonSqueezy's own UI: the service is not told. */
class DeactivateAtLemonSqueezy extends Step {
  constructor(readonly device: number) {
    super();
  }
  protected async act(model: Model, world: World) {
    const instanceId = model.instanceOf.get(model.devices[this.device] as string);
    if (!instanceId) return;
    world.stack.lemonSqueezy.deactivateInstance(world.license.key, instanceId);
    // Its license_key_updated (instances_count, maybe status inactive) is sent like any change.
    await changeLicense(model, world, {}, 'deliver');
  }
  toString() {
    return `deactivateAtLemonSqueezy(d${this.device})`;
  }
}

class ChangeLicenseStatus extends Step {
  constructor(
    readonly status: 'active' | 'disabled' | 'expired',
    readonly delivery: Delivery,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    await changeLicense(model, world, { status: this.status }, this.delivery);
  }
  toString() {
    return `licenseStatus(${this.status}, ${this.delivery})`;
  }
}

type SubscriptionChange = 'renew' | 'cancel' | 'past_due' | 'expire' | 'pause' | 'resume';

class ChangeSubscription extends Step {
  constructor(
    readonly change: SubscriptionChange,
    readonly delivery: Delivery,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    const { stack, license } = world;
    const id = license.subscriptionId ?? 0;
    const now = stack.clock.now().getTime();
    const current = truthOf(world).snapshot.subscription;
    if (!current || current.status === 'expired') return;
    switch (this.change) {
      case 'renew':
        stack.lemonSqueezy.updateSubscription(id, {
          status: 'active',
          renewsAt: new Date(Math.max(now, Date.parse(current.renewsAt)) + 30 * DAY).toISOString(),
          endsAt: null,
        });
        break;
      case 'cancel':
        stack.lemonSqueezy.updateSubscription(id, { status: 'cancelled' });
        break;
      case 'past_due':
        stack.lemonSqueezy.updateSubscription(id, { status: 'past_due' });
        break;
      case 'expire':
        stack.lemonSqueezy.updateSubscription(id, { status: 'expired' });
        break;
      case 'pause':
        stack.lemonSqueezy.updateSubscription(id, { status: 'paused' });
        break;
      case 'resume':
        stack.lemonSqueezy.updateSubscription(id, { status: 'active', endsAt: null });
        break;
    }
    const after = truthOf(world).snapshot.subscription;
    model.informed.subscription = false;
    const event = eventFor(stack, 'subscription_updated', license, {
      'data.attributes.status': after?.status,
      'data.attributes.renews_at': after?.renewsAt,
      'data.attributes.ends_at': after?.endsAt ?? null,
    });
    await send(
      model,
      world,
      { body: event, stream: 'subscription', version: ++model.version.subscription },
      this.delivery,
    );
    // An expiring subscription expires its license key too, and LemonSqueezy says so.
    if (this.change === 'expire') await changeLicense(model, world, {}, this.delivery);
  }
  toString() {
    return `subscription(${this.change}, ${this.delivery})`;
  }
}

class Refund extends Step {
  constructor(readonly delivery: Delivery) {
    super();
  }
  protected async act(model: Model, world: World) {
    const event = eventFor(world.stack, 'order_refunded', world.license, {
      'data.attributes.refunded': true,
      'data.attributes.status': 'refunded',
    });
    await send(model, world, { body: event, stream: 'refund', version: 0 }, this.delivery);
  }
  toString() {
    return `refund(${this.delivery})`;
  }
}

/** A delayed event arrives now: reordered against everything sent since. */
class DeliverDelayed extends Step {
  constructor(readonly pick: number) {
    super();
  }
  protected async act(model: Model, world: World) {
    if (model.pending.length === 0) return;
    const [event] = model.pending.splice(this.pick % model.pending.length, 1);
    if (event) await send(model, world, event, 'deliver');
  }
  toString() {
    return `deliverDelayed(${this.pick})`;
  }
}

/** The customer uses the AI key: OpenRouter books spend up to what the key has left. */
class Spend extends Step {
  constructor(readonly usd: number) {
    super();
  }
  protected async act(_model: Model, world: World) {
    const now = world.stack.clock.now().getTime();
    for (const key of world.stack.openRouter.keys()) {
      if (!key.name.includes(world.licenseHash) || key.disabled || key.deleted) continue;
      if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) continue;
      const left = (key.limit ?? 0) - key.usage;
      if (left > 0) world.stack.openRouter.spend(key.hash, Math.min(left, this.usd));
    }
  }
  toString() {
    return `spend(${this.usd})`;
  }
}

class AdvanceClock extends Step {
  constructor(
    readonly unit: 'minutes' | 'hours' | 'days' | 'past period end',
    readonly amount: number,
  ) {
    super();
  }
  protected async act(_model: Model, world: World) {
    const clock = world.stack.clock;
    if (this.unit === 'past period end') {
      const renewsAt = truthOf(world).snapshot.subscription?.renewsAt;
      const target = renewsAt ? Date.parse(renewsAt) + HOUR : 0;
      if (target > clock.now().getTime()) clock.set(new Date(target));
      return;
    }
    const step = this.unit === 'minutes' ? MINUTE : this.unit === 'hours' ? HOUR : DAY;
    clock.advance(this.amount * step);
  }
  toString() {
    return `clock(+${this.amount} ${this.unit})`;
  }
}

const FAULT_POINTS = [
  ['lemonSqueezy', 'validate'],
  ['lemonSqueezy', 'activate'],
  ['lemonSqueezy', 'subscriptions'],
  ['lemonSqueezy', 'license-key-instances'],
  ['openRouter', 'create'],
  ['openRouter', 'update'],
  ['openRouter', 'get'],
] as const;

/** The next call to one upstream point fails (HTTP 500 or a reset connection). */
class InjectFault extends Step {
  constructor(
    readonly point: number,
    readonly reset: boolean,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    const [upstream, route] = FAULT_POINTS[this.point % FAULT_POINTS.length] ?? FAULT_POINTS[0];
    const fault: Fault = this.reset ? { kind: 'reset' } : { kind: 'status', status: 500 };
    const faults = world.stack[upstream].faults as { inject(route: string, fault: Fault): void };
    faults.inject(route, fault);
    model.faultArmed = true;
  }
  toString() {
    const [upstream, route] = FAULT_POINTS[this.point % FAULT_POINTS.length] ?? FAULT_POINTS[0];
    return `fault(${upstream} ${route}, ${this.reset ? 'reset' : '500'})`;
  }
}

class Reap extends Step {
  protected async act(model: Model, world: World) {
    try {
      await reapOrphanKeys(world.stack.deps);
    } catch (error) {
      // Only an injected fault may stop a sweep; the next one catches up.
      expect(model.faultArmed, String(error)).toBe(true);
    }
  }
  toString() {
    return 'reap';
  }
}

interface Outgoing {
  body: WebhookBody;
  stream: Stream | 'refund';
  version: number;
}

/** Tells the service of a license change the double now holds (its newest state). */
async function changeLicense(
  model: Model,
  world: World,
  patch: { status?: 'active' | 'disabled' | 'expired' },
  delivery: Delivery,
) {
  const { stack, license } = world;
  if (patch.status) stack.lemonSqueezy.updateLicense(license.key, { status: patch.status });
  const truth = truthOf(world).snapshot;
  model.informed.license = false;
  const event = eventFor(stack, 'license_key_updated', license, {
    'data.attributes.status': truth.status,
    'data.attributes.instances_count': truth.instances.length,
    'data.attributes.activation_limit': truth.activationLimit,
  });
  await send(
    model,
    world,
    { body: event, stream: 'license', version: ++model.version.license },
    delivery,
  );
}

async function send(model: Model, world: World, event: Outgoing, delivery: Delivery) {
  if (delivery === 'drop') return;
  if (delivery === 'delay') {
    model.pending.push(event);
    return;
  }
  const copies = delivery === 'duplicate' ? 2 : 1;
  for (let copy = 0; copy < copies; copy += 1) {
    const response = await deliver(world.stack, event.body);
    const context = `webhook ${event.stream} → ${response.status} ${response.text.slice(0, 200)}`;
    if (response.status !== 200) {
      expect(model.faultArmed, context).toBe(true);
      expect(response.status, context).toBe(503);
      model.pending.push(event); // LemonSqueezy retries it later
      return;
    }
    if (event.stream === 'refund') model.refunded = true;
    else if (event.version === model.version[event.stream]) model.informed[event.stream] = true;
  }
}

const delivery = fc.constantFrom<Delivery>('deliver', 'deliver', 'drop', 'duplicate', 'delay');
const device = fc.nat({ max: 2 });

const activate = device.map((index) => new Activate(index));
const validate = fc
  .tuple(device, fc.boolean())
  .map(([index, naming]) => new Validate(index, naming));
const spend = fc.integer({ min: 1, max: 400 }).map((cents) => new Spend(cents / 100));
/** Access taken away and given back: the changes that could mint credit if keys were re-issued. */
const toggleLicense = fc
  .tuple(fc.constantFrom<'active' | 'disabled'>('active', 'disabled'), delivery)
  .map(([status, how]) => new ChangeLicenseStatus(status, how));
const toggleSubscription = fc
  .tuple(
    fc.constantFrom<SubscriptionChange>('renew', 'cancel', 'past_due', 'pause', 'resume'),
    delivery,
  )
  .map(([change, how]) => new ChangeSubscription(change, how));
/** Changes a license does not come back from (rarer, or every sequence would end in them). */
const terminal = fc.oneof(
  delivery.map((how) => new ChangeLicenseStatus('expired', how)),
  delivery.map((how) => new ChangeSubscription('expire', how)),
  delivery.map((how) => new Refund(how)),
);
const clock = fc
  .tuple(
    fc.constantFrom('minutes', 'hours', 'days', 'past period end') as fc.Arbitrary<
      'minutes' | 'hours' | 'days' | 'past period end'
    >,
    fc.integer({ min: 1, max: 40 }),
  )
  .map(
    ([unit, amount]) => new AdvanceClock(unit, unit === 'days' ? Math.ceil(amount / 4) : amount),
  );

/**
 * Random sequences of operations, upstream changes and faults (see test/integration/model.test.ts).
 * An arbitrary listed twice is drawn twice as often: activations, validates, spending and access
 * toggles dominate, so sequences reach "spent, revoked, restored, served again" often.
 */
export const modelCommands = fc.commands(
  [
    activate,
    activate,
    validate,
    validate,
    spend,
    spend,
    toggleLicense,
    toggleLicense,
    toggleSubscription,
    fc.constant(new Trial()),
    device.map((index) => new DeactivateAtLemonSqueezy(index)),
    fc.nat({ max: 9 }).map((pick) => new DeliverDelayed(pick)),
    clock,
    fc
      .tuple(fc.nat({ max: FAULT_POINTS.length - 1 }), fc.boolean())
      .map(([point, reset]) => new InjectFault(point, reset)),
    fc.constant(new Reap()),
    terminal,
  ],
  { maxCommands: 40, size: 'max' },
);

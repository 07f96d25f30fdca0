import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { DAY } from '#local/manual-clock.ts';
import type { WebhookBody } from '#local/webhook-sender.ts';
import { deactivateAtLemonSqueezy } from '#test/helpers/integrity-checks.ts';
import { failedAsArmed } from '#test/helpers/model/fault-answers.ts';
import { Step } from '#test/helpers/model/step.ts';
import { type Model, truthOf, type World } from '#test/helpers/model/world.ts';
import { deliver, eventFor } from '#test/helpers/webhook-events.ts';

/** The model's steps at LemonSqueezy: changes there, and their webhooks as they may arrive. */

type Stream = 'license' | 'subscription';
export type Delivery = 'deliver' | 'drop' | 'duplicate' | 'delay';
export type SubscriptionChange = 'renew' | 'cancel' | 'past_due' | 'expire' | 'pause' | 'resume';

/** The customer frees a seat in LemonSqueezy's own UI, not through us; its webhook follows. */
export class DeactivateAtLemonSqueezy extends Step {
  constructor(readonly device: number) {
    super();
  }
  protected async act(model: Model, world: World) {
    const instanceId = model.instanceOf.get(
      model.devices[this.device % model.devices.length] as string,
    );
    // A fault armed on LemonSqueezy's deactivate is for our service's next call, not the customer's.
    if (!instanceId || model.faultRoute === 'lemonSqueezy deactivate') return;
    const { instances, status } = truthOf(world).snapshot;
    // LemonSqueezy frees seats of a usable key only (a disabled or expired one answers 400).
    const held = instances.some((instance) => instance.id === instanceId);
    if (!held || status === 'disabled' || status === 'expired') return;
    await deactivateAtLemonSqueezy(world.stack, world.license.key, instanceId);
    model.promised.clear(); // a seat freed: access may be taken away
    // Its license_key_updated (instances_count, maybe status inactive) is sent like any change.
    await changeLicense(model, world, {}, 'deliver');
  }
  toString() {
    return `deactivateAtLemonSqueezy(d${this.device})`;
  }
}

export class ChangeLicenseStatus extends Step {
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

export class ChangeSubscription extends Step {
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
      'meta.webhook_id': randomUUID(),
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

export class Refund extends Step {
  constructor(readonly delivery: Delivery) {
    super();
  }
  protected async act(model: Model, world: World) {
    const event = eventFor(world.stack, 'order_refunded', world.license, {
      'meta.webhook_id': randomUUID(),
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
export class DeliverDelayed extends Step {
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
  // LemonSqueezy stamps every event with its own webhook_id: two changes within one second
  // (same `updated_at`) are still two different bodies, while a redelivery repeats the bytes.
  const event = eventFor(stack, 'license_key_updated', license, {
    'meta.webhook_id': randomUUID(),
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
    const response = world.crash.settle(await deliver(world.stack, event.body));
    const context = `webhook ${event.stream} → ${response.status} ${response.text.slice(0, 200)}`;
    if (response.status !== 200) {
      expect(failedAsArmed(model, response, context), context).toBe(true);
      model.pending.push(event); // LemonSqueezy retries it later
      return;
    }
    if (event.stream === 'refund') model.refunded = true;
    else if (event.version === model.version[event.stream]) model.informed[event.stream] = true;
  }
}

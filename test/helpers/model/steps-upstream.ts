import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { addPeriods } from '#domain/period.ts';
import { deactivateAtLemonSqueezy } from '#test/helpers/integrity-checks.ts';
import { failedAsArmed } from '#test/helpers/model/fault-answers.ts';
import { checkShareRefusal } from '#test/helpers/model/license-share.ts';
import { Step } from '#test/helpers/model/step.ts';
import { type Model, type Outgoing, truthOf, type World } from '#test/helpers/model/world.ts';
import {
  deliver,
  eventFor,
  paymentEventFor,
  subscriptionEventFor,
} from '#test/helpers/webhook-events.ts';

/** The model's steps at LemonSqueezy: changes there, and their webhooks as they may arrive. */

export type Delivery = 'deliver' | 'drop' | 'duplicate' | 'delay';
export type SubscriptionChange =
  | 'renew'
  | 'cancel'
  | 'past_due'
  | 'expire'
  | 'pause'
  | 'pause_free'
  | 'resume';

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
    // The customer's own call, not the service's: it does not count against the license's share.
    model.directCalls.push(world.stack.clock.now().getTime());
    model.promised.clear(); // a seat freed: access may be taken away
    model.seatFreedUnheard = true;
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
    let paid: { billedAt: string; period: string } | undefined;
    switch (this.change) {
      case 'renew': {
        // A payment (the first after a free trial, or a renewal) opens the period starting at the
        // boundary it is billed at: the current end, or now when that has passed.
        const billedAt = new Date(Math.max(now, Date.parse(current.renewsAt)));
        const renewsAt = addPeriods(billedAt, 'monthly', 1).toISOString();
        stack.lemonSqueezy.updateSubscription(id, { status: 'active', renewsAt, endsAt: null });
        paid = { billedAt: billedAt.toISOString(), period: renewsAt.slice(0, 10) };
        break;
      }
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
        stack.lemonSqueezy.updateSubscription(id, {
          status: 'paused',
          pause: { mode: 'void', resumesAt: null },
        });
        break;
      case 'pause_free':
        stack.lemonSqueezy.updateSubscription(id, {
          status: 'paused',
          pause: { mode: 'free', resumesAt: null },
        });
        break;
      case 'resume':
        stack.lemonSqueezy.updateSubscription(id, { status: 'active', endsAt: null });
        break;
    }
    model.informed.subscription = false;
    const event = subscriptionEventFor(stack, 'subscription_updated', license);
    await send(
      model,
      world,
      { body: event, stream: 'subscription', version: ++model.version.subscription },
      this.delivery,
    );
    if (paid) {
      // Its invoice: the service re-reads the subscription on it.
      const payment = { invoiceId: `inv-${randomUUID()}`, ...paid };
      model.payments.push(payment);
      const invoice = paymentEventFor(stack, 'subscription_payment_success', license, payment);
      await send(model, world, { body: invoice, stream: 'payment', version: 0 }, this.delivery);
    }
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

/**
 * The latest subscription payment is refunded in full (`subscription_payment_refunded`): the
 * credit of the period it paid for is withdrawn once the event is delivered.
 */
export class RefundPayment extends Step {
  constructor(readonly delivery: Delivery) {
    super();
  }
  protected async act(model: Model, world: World) {
    const payment = model.payments.at(-1);
    if (!payment) return; // a free trial not paid yet: nothing to refund
    const { stack, license } = world;
    const event = paymentEventFor(stack, 'subscription_payment_refunded', license, payment);
    const refund = { body: event, stream: 'payment-refund' as const, version: 0 };
    await send(model, world, { ...refund, period: payment.period }, this.delivery);
  }
  toString() {
    return `refundPayment(${this.delivery})`;
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
      // A tie settled by asking LemonSqueezy may meet the license's share spent (retried later).
      const explained =
        checkShareRefusal(world, model, response, context) ||
        failedAsArmed(model, response, context);
      expect(explained, context).toBe(true);
      model.pending.push(event); // LemonSqueezy retries it later
      return;
    }
    if (event.stream === 'refund') model.refunded = true;
    // A refund for a license not activated here yet is acknowledged and ignored, as every
    // subscription event is (a known limit: docs/license-lifecycle.md, "Credit periods"); only an
    // applied one withdraws credit.
    else if (event.stream === 'payment-refund') {
      if (response.body?.outcome === 'applied') model.refundedPeriods.add(event.period ?? '');
    } else if (event.stream === 'payment') continue;
    else if (event.version === model.version[event.stream]) {
      model.informed[event.stream] = true;
      // The newest license change carries LemonSqueezy's seat count: a seat freed is heard of.
      if (event.stream === 'license') model.seatFreedUnheard = false;
    }
  }
}

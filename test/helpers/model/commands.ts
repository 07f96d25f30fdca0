import fc from 'fast-check';
import { ADMIN_KEY_ACTIONS, AdminKey } from '#test/helpers/model/steps-admin.ts';
import {
  AdvanceClock,
  Deactivate,
  FAULT_POINTS,
  InjectFault,
  ListDevices,
  Reap,
  Spend,
  Trial,
  Validate,
} from '#test/helpers/model/steps-client.ts';
import { Activate, ActivateNew, ReleaseIdle } from '#test/helpers/model/steps-devices.ts';
import { Crash, DB_FAULT_KINDS, InjectDbFault, Sweep } from '#test/helpers/model/steps-faults.ts';
import { TransientNotFound } from '#test/helpers/model/steps-refusals.ts';
import {
  ChangeLicenseStatus,
  ChangeSubscription,
  DeactivateAtLemonSqueezy,
  DeliverDelayed,
  type Delivery,
  Refund,
  RefundPayment,
  type SubscriptionChange,
} from '#test/helpers/model/steps-upstream.ts';

const delivery = fc.constantFrom<Delivery>('deliver', 'deliver', 'drop', 'duplicate', 'delay');
const device = fc.nat({ max: 2 });
/** A device of the model's list, new machines included (wrapping around the list). */
const anyDevice = fc.nat({ max: 5 });

const activate = device.map((index) => new Activate(index));
const deactivate = fc
  .tuple(anyDevice, fc.boolean())
  .map(([index, byName]) => new Deactivate(index, byName));
const validate = fc
  .tuple(anyDevice, fc.boolean())
  .map(([index, naming]) => new Validate(index, naming));
const spend = fc.integer({ min: 1, max: 400 }).map((cents) => new Spend(cents / 100));
/** Access taken away and given back: the changes that could mint credit if keys were re-issued. */
const toggleLicense = fc
  .tuple(fc.constantFrom<'active' | 'disabled'>('active', 'disabled'), delivery)
  .map(([status, how]) => new ChangeLicenseStatus(status, how));
const toggleSubscription = fc
  .tuple(
    fc.constantFrom<SubscriptionChange>(
      'renew',
      'cancel',
      'past_due',
      'pause',
      'pause_free',
      'resume',
    ),
    delivery,
  )
  .map(([change, how]) => new ChangeSubscription(change, how));
/** Changes a license does not come back from (rarer, or every sequence would end in them). */
const terminal = fc.oneof(
  delivery.map((how) => new ChangeLicenseStatus('expired', how)),
  delivery.map((how) => new ChangeSubscription('expire', how)),
  delivery.map((how) => new Refund(how)),
);
/** A DynamoDB fault on the next step's writes: which, after how many writes, for how many. */
const dbFault = fc
  .tuple(
    fc.constantFrom(...DB_FAULT_KINDS),
    fc.nat({ max: 4 }),
    fc.constantFrom(1, 2, 3, Number.POSITIVE_INFINITY),
    fc.boolean(),
  )
  .map(([kind, skip, times, forgetToken]) => new InjectDbFault(kind, skip, times, forgetToken));
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
 * LemonSqueezy answers 404 for the license for a few calls and minutes (I11 in docs/design.md,
 * "Invariants").
 */
const transientNotFound = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 4 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(
    ([calls, minutes, reads, restDown, sync]) =>
      new TransientNotFound(calls, minutes, reads, restDown, sync),
  );

/** A request the instance serving it dies in, after its `k`-th write. */
const crash = fc
  .tuple(
    // An activation of a new device writes about 7 items (not counting rate limits): k reaches
    // past LemonSqueezy's activation (the device write) and the key install.
    fc.integer({ min: 1, max: 8 }),
    fc.oneof(
      activate,
      validate,
      deactivate,
      toggleLicense,
      fc.constant(new ActivateNew()),
      fc.constant(new ActivateNew(true)),
      fc.constant(new Trial()),
      fc.constantFrom(...ADMIN_KEY_ACTIONS).map((action) => new AdminKey(action)),
      fc.constant(new Sweep()),
    ),
  )
  .map(([k, victim]) => new Crash(k, victim));

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
    delivery.map((how) => new RefundPayment(how)),
    fc.constant(new Trial()),
    anyDevice.map((index) => new DeactivateAtLemonSqueezy(index)),
    deactivate,
    fc.constant(new ListDevices()),
    fc.constant(new ActivateNew()),
    fc.constantFrom(...ADMIN_KEY_ACTIONS).map((action) => new AdminKey(action)),
    fc.constant(new ActivateNew(true)),
    fc.constant(new ActivateNew(true)),
    fc.constant(new ReleaseIdle()),
    fc.nat({ max: 9 }).map((pick) => new DeliverDelayed(pick)),
    clock,
    fc
      .tuple(fc.nat({ max: FAULT_POINTS.length - 1 }), fc.boolean())
      .map(([point, reset]) => new InjectFault(point, reset)),
    fc.constant(new Reap()),
    terminal,
    dbFault,
    crash,
    fc.constant(new Sweep()),
    transientNotFound,
  ],
  { maxCommands: 40, size: 'max' },
);

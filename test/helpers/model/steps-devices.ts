import { expect } from 'vitest';
import { DAY } from '#local/manual-clock.ts';
import { releaseIdleSeats } from '#services/release-idle-devices.ts';
import { withReleaseAfter } from '#test/helpers/devices.ts';
import {
  checkDeactivation,
  checkDeviceChange,
  checkRelease,
  knowsDevice,
} from '#test/helpers/model/device-checks.ts';
import { Step } from '#test/helpers/model/step.ts';
import { checkAnswer, type Model, type World } from '#test/helpers/model/world.ts';

/** The model's device steps: activations (known devices, new machines, moves) and idle release. */

/** Activates the device `name`, checking the answer and the device-change limit. */
async function activate(model: Model, world: World, name: string): Promise<void> {
  const knownBefore = await knowsDevice(world, name);
  const response = await world.post('/v1/activate', {
    instanceName: name,
    licenseKey: world.license.key,
  });
  await checkAnswer(world, model, '/v1/activate', response, { device: name });
  checkDeviceChange(world, model, name, knownBefore, response);
  if (response.status === 200) model.instanceOf.set(name, response.body.instanceId);
}

export class Activate extends Step {
  constructor(readonly device: number) {
    super();
  }
  protected async act(model: Model, world: World) {
    await activate(model, world, model.devices[this.device] as string);
  }
  toString() {
    return `activate(d${this.device})`;
  }
}

/**
 * The customer moves to a machine the license never had (a new name each time): what the
 * device-change limit counts. It joins the model's devices, so device lists may show it.
 */
export class ActivateNew extends Step {
  /** `move`: first free the seat of the license's oldest active device through us, as a move does. */
  constructor(readonly move = false) {
    super();
  }
  protected async act(model: Model, world: World) {
    if (this.move) {
      model.promised.clear(); // a seat freed: access may be taken away
      await freeOldestSeat(model, world);
    }
    model.freshDevices += 1;
    const name = `new-machine-${model.freshDevices}`;
    model.devices.push(name);
    await activate(model, world, name);
  }
  toString() {
    return this.move ? 'move to a new machine' : 'activate(new machine)';
  }
}

/** Deactivates the oldest active device of the license through us (checked like any). */
async function freeOldestSeat(model: Model, world: World): Promise<void> {
  const item = await world.readItem();
  const slots = Object.values((item?.devices ?? {}) as Record<string, Record<string, string>>);
  const oldest = slots
    .filter((slot) => slot.state === 'active')
    .sort((a, b) => String(a.activatedAt).localeCompare(String(b.activatedAt)))[0];
  if (!oldest?.instanceName) return;
  const response = await world.post('/v1/deactivate', {
    licenseKey: world.license.key,
    instanceName: oldest.instanceName,
  });
  await checkDeactivation(world, model, oldest.instanceName, 'name', response);
}

/** Days unseen after which the model's plan frees a device's seat (`release_after_days`). */
const RELEASE_AFTER_DAYS = 7;

/**
 * The scheduled sweep frees the seats of the license's devices unseen for `RELEASE_AFTER_DAYS`
 * (the sweep over this one license: the table walk is tested on its own, and every earlier
 * sequence's licenses are in the table too). Only an injected fault may stop it.
 */
export class ReleaseIdle extends Step {
  protected async act(model: Model, world: World) {
    const license = await world.stack.deps.store.get(world.licenseHash);
    if (!license) return;
    const before = await world.readItem();
    const deps = {
      ...world.stack.deps,
      products: withReleaseAfter(world.stack.deps.products, RELEASE_AFTER_DAYS),
    };
    // Freeing seats takes access away: the tokens served so far are no longer promised to work.
    model.promised.clear();
    try {
      const result = await releaseIdleSeats(deps, license, { allowed: 10, spacingMs: 0 });
      if (result.stoppedBy === 'upstream') expect(model.faultArmed).toBe(true);
    } catch (error) {
      // A DynamoDB fault or a crash may fail a scheduled run (the schedule runs it again).
      expect(model.dbFault !== undefined || world.crash.struck, String(error)).toBe(true);
    }
    world.crash.recover();
    await checkRelease(world, before, RELEASE_AFTER_DAYS * DAY);
  }
  toString() {
    return 'release idle devices';
  }
}

import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { FORGET_DEACTIVATED_MS } from '#domain/license.ts';
import { DAY, HOUR, MINUTE } from '#local/manual-clock.ts';
import type { Fault } from '#local/sandbox/faults.ts';
import { reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import {
  checkDeactivation,
  checkDeviceList,
  checkHeartbeat,
  checkLicenseHeartbeat,
} from '#test/helpers/model/device-checks.ts';
import { Step } from '#test/helpers/model/step.ts';
import { checkAnswer, type Model, truthOf, type World } from '#test/helpers/model/world.ts';

/** The model's steps on the client's side: requests, spending, time, faults and the reaper. */

export class Validate extends Step {
  constructor(
    readonly device: number,
    readonly naming: boolean,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    const instanceId = this.naming
      ? model.instanceOf.get(model.devices[this.device % model.devices.length] as string)
      : undefined;
    // A fault or crash may cost the sighting (it is never a condition of the answer).
    const quiet = !this.naming && !model.faultArmed && !model.crashArmed;
    const before = quiet ? await world.readItem() : undefined;
    const response = await world.post('/v1/validate', {
      licenseKey: world.license.key,
      ...(instanceId ? { instanceId } : {}),
    });
    await checkAnswer(world, model, '/v1/validate', response, {
      ...(this.naming ? { device: model.devices[this.device % model.devices.length] } : {}),
      instanceId,
    });
    if (instanceId) await checkHeartbeat(world, instanceId, response);
    if (quiet) await checkLicenseHeartbeat(world, before, response);
  }
  toString() {
    return `validate(${this.naming ? `d${this.device}` : 'license'})`;
  }
}

/**
 * The customer frees a device's seat through us, naming it by instance id or by name. A 200
 * means LemonSqueezy no longer holds the instance and the slot is deactivated; a validate naming
 * it then answers `suspended` with DEVICE_DEACTIVATED (I3).
 */
export class Deactivate extends Step {
  constructor(
    readonly device: number,
    readonly byName: boolean,
  ) {
    super();
  }
  protected async act(model: Model, world: World) {
    const name = model.devices[this.device % model.devices.length] as string;
    const instanceId = model.instanceOf.get(name);
    if (!this.byName && !instanceId) return;
    const response = await world.post('/v1/deactivate', {
      licenseKey: world.license.key,
      ...(this.byName ? { instanceName: name } : { instanceId }),
    });
    await checkDeactivation(world, model, name, this.byName ? 'name' : 'id', response);
    // Access taken away: the tokens served so far are no longer promised to work.
    model.promised.clear();
    // A crash armed for a later write than the deactivation made would strike this validate.
    if (response.status !== 200 || model.faultArmed || model.crashArmed) return;
    const validated = await world.post('/v1/validate', {
      licenseKey: world.license.key,
      instanceId: response.body.instanceId,
    });
    await checkAnswer(world, model, '/v1/validate', validated, {
      instanceId: response.body.instanceId,
    });
    const context = `validate after deactivate → ${validated.status} ${validated.text.slice(0, 300)}`;
    // Its refresh, if due, may meet the license's share spent (checked in checkAnswer).
    if (validated.status === 429) return;
    // A device deactivated long ago (found gone at LemonSqueezy) is forgotten by the next
    // reconciliation, and then is a device this key never had, unless it is the license's last
    // activation (which stays known as deactivated).
    const last = (await world.readItem())?.lastActivation as { instanceId?: string } | undefined;
    const forgotten =
      world.stack.clock.now().getTime() - Date.parse(response.body.deactivated_at) >
        FORGET_DEACTIVATED_MS && last?.instanceId !== response.body.instanceId;
    expect([validated.status, validated.body.status, validated.body.code], context).toEqual(
      forgotten ? [403, undefined, 'INSTANCE_MISMATCH'] : [200, 'suspended', 'DEVICE_DEACTIVATED'],
    );
  }
  toString() {
    return `deactivate(d${this.device} by ${this.byName ? 'name' : 'id'})`;
  }
}

/** The customer lists the license's devices: one read, no upstream call, never a 5xx. */
export class ListDevices extends Step {
  protected async act(model: Model, world: World) {
    const response = await world.post('/v1/devices', { licenseKey: world.license.key });
    await checkDeviceList(world, model, response);
  }
  toString() {
    return 'devices';
  }
}

export class Trial extends Step {
  protected async act(model: Model, world: World) {
    // A device id shaped like RAVN Mail's (64 hex), one per sequence, as trials require.
    const device =
      model.trial?.device ?? createHash('sha256').update(world.trialEmail).digest('hex');
    if (model.trial) {
      const again = await world.post('/v1/validate', { licenseKey: model.trial.key });
      await checkAnswer(world, model, '/v1/validate', again);
      return;
    }
    const response = await world.post('/v1/trial', {
      instanceName: device,
      email: world.trialEmail,
    });
    await checkAnswer(world, model, '/v1/trial', response);
    // The sequence's own email and device: only an injected fault may keep its trial from
    // starting (a DynamoDB fault included: a 503 then, never a refusal), and a crash its answer.
    // A trial written by an attempt whose answer never came is served again for a day only
    // (docs/license-lifecycle.md, "Trial"): after that, 403 is its answer.
    const now = world.stack.clock.now().getTime();
    const pastRecovery = model.trialTriedAt !== undefined && now - model.trialTriedAt > 86_400_000;
    if (!model.faultArmed && response.status !== 0 && !pastRecovery) {
      expect(response.status, response.text.slice(0, 300)).toBe(200);
    }
    if (response.status !== 200) model.trialTriedAt ??= now;
    if (response.status === 200) {
      model.trial = { key: response.body.licenseKey, device, email: world.trialEmail };
    }
  }
  toString() {
    return 'trial';
  }
}

/** The customer uses the AI key: OpenRouter books spend up to what the key has left. */
export class Spend extends Step {
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

export class AdvanceClock extends Step {
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

export const FAULT_POINTS = [
  ['lemonSqueezy', 'validate'],
  ['lemonSqueezy', 'activate'],
  ['lemonSqueezy', 'subscriptions'],
  ['lemonSqueezy', 'license-key-instances'],
  ['lemonSqueezy', 'deactivate'],
  ['openRouter', 'create'],
  ['openRouter', 'update'],
  ['openRouter', 'get'],
] as const;

/** The next call to one upstream point fails (HTTP 500 or a reset connection). */
export class InjectFault extends Step {
  protected override readonly armsFault = true;

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
    model.faultRoute = `${upstream} ${route}`;
  }
  toString() {
    const [upstream, route] = FAULT_POINTS[this.point % FAULT_POINTS.length] ?? FAULT_POINTS[0];
    return `fault(${upstream} ${route}, ${this.reset ? 'reset' : '500'})`;
  }
}

export class Reap extends Step {
  protected async act(model: Model, world: World) {
    try {
      await reapOrphanKeys(world.stack.deps);
    } catch (error) {
      // Only an injected fault or a crash may stop a sweep; the next one catches up.
      expect(model.faultArmed || world.crash.struck, String(error)).toBe(true);
    }
  }
  toString() {
    return 'reap';
  }
}

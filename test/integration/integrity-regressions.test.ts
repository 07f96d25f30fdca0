import { describe, expect, it } from 'vitest';
import {
  deactivateAtLemonSqueezy,
  exposedCredit,
  keysOfLicense,
  SAAS_CREDIT,
  storedDevices,
} from '#test/helpers/integrity-checks.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';

/**
 * Regressions named after the integrity review's findings, seats and devices (I1, I3, I7). The
 * other findings are in integrity-regressions-facts.test.ts; finding 7 (a trial answer lost on
 * the way) is covered by idempotency.test.ts.
 */
describe('integrity regressions: credit, seats and device names', () => {
  // Any trial device id, so that a trial can be started on `__proto__` too (by default a trial
  // takes 64 hex characters only; an operator may relax the pattern).
  const stack = useTestStack({ TRIAL_DEVICE_ID_PATTERN: '.+' });

  const activate = (licenseKey: string, instanceName: string) =>
    stack.post('/v1/activate', { licenseKey, instanceName });

  it('credit cannot be minted by deactivate → activate → validate → activate loops', async () => {
    // Prepare
    const { license, device, activation, token } = await activatedLicense(stack);
    const instanceIds = [activation.instanceId as string];
    const served: Array<{ token?: string; limit?: number }> = [];
    const whileGone: Array<[number, string, string | undefined, unknown]> = [];
    const seats: Array<[number, Array<{ id: string; name: string }>]> = [];

    // Act
    for (let loop = 0; loop < 4; loop += 1) {
      await deactivateAtLemonSqueezy(stack, license.key, instanceIds.at(-1) as string);
      // Past the status TTL: a re-activation on fresh facts is answered from the table (like a
      // validate) and would not notice the freed seat before the next refresh.
      stack.clock.advance(25 * HOUR);
      if (loop % 2 === 0) {
        // Every other loop a validate notices the freed seat first (the key is disabled, kept).
        const gone = await stack.post('/v1/validate', {
          licenseKey: license.key,
          instanceName: device,
        });
        whileGone.push([gone.status, gone.body.status, gone.body.code, gone.body.ai_details]);
      }
      const again = await activate(license.key, device);
      instanceIds.push(again.body.instanceId);
      seats.push([again.status, stack.lemonSqueezy.instances(license.key)]);
      const validated = await stack.post('/v1/validate', {
        licenseKey: license.key,
        instanceName: device,
      });
      served.push(again.body.ai_details, validated.body.ai_details);
      const key = keysOfLicense(stack, license.key)[0];
      stack.openRouter.spend(key?.hash ?? '', 0.5);
    }

    // Assess
    // Each re-activation took a new seat, and LemonSqueezy holds just that one.
    expect(new Set(instanceIds).size).toBe(5);
    expect(seats).toEqual(instanceIds.slice(1).map((id) => [200, [{ id, name: device }]]));
    expect(whileGone).toEqual(Array(2).fill([200, 'suspended', 'DEVICE_DEACTIVATED', undefined]));
    expect(served.map((ai) => [ai?.token, ai?.limit])).toEqual(Array(8).fill([token, 6]));
    expect(keysOfLicense(stack, license.key)).toEqual([expect.objectContaining({ usage: 2 })]);
    expect(exposedCredit(stack, license.key)).toBeLessThanOrEqual(SAAS_CREDIT);
    const active = (await storedDevices(stack, license.key)).filter((s) => s.state === 'active');
    expect(active).toEqual([expect.objectContaining({ instanceId: instanceIds.at(-1) })]);
  });

  it('seat limit holds when instances are freed at LemonSqueezy behind our back', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas', {
      activationLimit: 3,
      subscription: {
        status: 'active',
        renewsAt: new Date(stack.clock.now().getTime() + 20 * DAY).toISOString(),
      },
    });
    const oldDevices = [deviceId(), deviceId(), deviceId()];
    const oldIds: string[] = [];
    for (const device of oldDevices)
      oldIds.push((await activate(license.key, device)).body.instanceId);
    for (const id of oldIds) await deactivateAtLemonSqueezy(stack, license.key, id);

    // Act
    const newDevices = [deviceId(), deviceId(), deviceId()];
    const taken = [];
    for (const device of newDevices) taken.push(await activate(license.key, device));
    const fourth = await activate(license.key, deviceId());
    const byOldId = await Promise.all(
      oldIds.map((instanceId) =>
        stack.post('/v1/validate', { licenseKey: license.key, instanceId }),
      ),
    );
    const byNewId = await Promise.all(
      taken.map((answer) =>
        stack.post('/v1/validate', {
          licenseKey: license.key,
          instanceId: answer.body.instanceId,
        }),
      ),
    );

    // Assess
    expect(taken.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect([fourth.status, fourth.body.code]).toEqual([409, 'ACTIVATION_LIMIT_REACHED']);
    const devices = await storedDevices(stack, license.key);
    const active = devices.filter((slot) => slot.state === 'active');
    expect(active.length).toBeLessThanOrEqual(3);
    expect(active.map((slot) => slot.instanceName).sort()).toEqual([...newDevices].sort());
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(3);
    for (const answer of byOldId) {
      expect([answer.status, answer.body.status, answer.body.code]).toEqual([
        200,
        'suspended',
        'DEVICE_DEACTIVATED',
      ]);
      expect(answer.body).not.toHaveProperty('ai_details');
    }
    for (const answer of byNewId) {
      expect([answer.status, answer.body.status]).toEqual([200, 'active']);
      expect(answer.body.ai_details).toMatchObject({ limit: 6 });
    }
  });

  it('__proto__, constructor and toString are device names like any other', async () => {
    // Prepare
    const names = ['__proto__', 'constructor', 'toString'];
    const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
    const licenses = [
      seedLicense(stack, 'byok'),
      seedLicense(stack, 'saas', { subscription: { status: 'active', renewsAt } }),
    ];
    const upstreamActivations = stack.lemonSqueezy.callCount('activate');

    // Act
    const trial = await stack.post('/v1/trial', {
      instanceName: '__proto__',
      email: `${deviceId().slice(0, 16)}@example.com`,
    });
    const trialAgain = await activate(trial.body.licenseKey, '__proto__');
    const rounds = [];
    for (const license of licenses) {
      for (const instanceName of names) {
        const first = await activate(license.key, instanceName);
        const again = await activate(license.key, instanceName);
        const byName = await stack.post('/v1/validate', { licenseKey: license.key, instanceName });
        rounds.push({ instanceName, first, again, byName });
      }
    }

    // Assess
    expect([trial.status, trial.body.status, trial.body.instanceName]).toEqual([
      200,
      'trial',
      '__proto__',
    ]);
    expect([trialAgain.status, trialAgain.body.instanceId]).toEqual([200, trial.body.instanceId]);
    for (const { instanceName, first, again, byName } of rounds) {
      expect([first.status, again.status, byName.status]).toEqual([200, 200, 200]);
      expect(first.body.instanceName).toBe(instanceName);
      expect(again.body.instanceId).toBe(first.body.instanceId);
      expect([byName.body.instanceId, byName.body.status]).toEqual([
        first.body.instanceId,
        'active',
      ]);
    }
    // One upstream activation per device: nobody waited on a claim it could not see.
    expect(stack.lemonSqueezy.callCount('activate') - upstreamActivations).toBe(6);
    for (const license of licenses) {
      const devices = await storedDevices(stack, license.key);
      expect(devices.map((slot) => [slot.state, slot.instanceName]).sort()).toEqual(
        names.map((name) => ['active', name]).sort(),
      );
    }
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

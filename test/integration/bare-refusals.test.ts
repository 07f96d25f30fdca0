import { afterEach, describe, expect, it } from 'vitest';
import { storedSlot } from '#test/helpers/devices.ts';
import {
  activateAtLemonSqueezy,
  deactivateAtLemonSqueezy,
} from '#test/helpers/integrity-checks.ts';
import { DAY } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  saasLicenseWithSeats,
  seedLicense,
  useTestStack,
} from '#test/helpers/test-stack.ts';

/**
 * LemonSqueezy's refusals sent bare, without `license_key`/`meta` (docs/upstreams.md, "Refusals
 * sent bare"), read by their status and message: the activation limit, an instance it no longer
 * has.
 */
describe('bare LemonSqueezy refusals', () => {
  const stack = useTestStack();

  afterEach(() => {
    stack.lemonSqueezy.refusals.clear();
    stack.lemonSqueezy.faults.clear();
  });

  it.each([400, 422] as const)(
    'answers 409 ACTIVATION_LIMIT_REACHED for a bare %i activation-limit refusal',
    async (limitStatus) => {
      // Prepare: the only seat is taken at LemonSqueezy by another machine, not through us.
      const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
      const license = seedLicense(stack, 'saas', {
        activationLimit: 1,
        subscription: { status: 'active', renewsAt },
      });
      await activateAtLemonSqueezy(stack, license.key, deviceId());
      stack.lemonSqueezy.refusals.answerBare({ key: license.key, limitStatus });
      const activations = stack.lemonSqueezy.callCount('activate');

      // Act
      const response = await stack.post('/v1/activate', {
        instanceName: deviceId(),
        licenseKey: license.key,
      });

      // Assess
      expect(stack.lemonSqueezy.callCount('activate')).toBe(activations + 1);
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('ACTIVATION_LIMIT_REACHED');
    },
  );

  it.each([404, 400] as const)(
    'gives a device whose instance is gone (a bare %i) a new seat on re-activation (I3)',
    async (instanceStatus) => {
      // Prepare: the device's seat is freed at LemonSqueezy behind our back, a day goes by.
      const { license, activate } = saasLicenseWithSeats(stack, 2);
      const device = await activate();
      await deactivateAtLemonSqueezy(stack, license.key, device.instanceId);
      stack.clock.advance(2 * DAY);
      stack.lemonSqueezy.refusals.answerBare({ key: license.key, instanceStatus });

      // Act
      const response = await stack.post('/v1/activate', {
        instanceName: device.instanceName,
        licenseKey: license.key,
      });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body.instanceId).not.toBe(device.instanceId);
      expect(stack.lemonSqueezy.instances(license.key).map((held) => held.id)).toEqual([
        response.body.instanceId,
      ]);
      const { slot } = await storedSlot(stack, license.key, device.instanceName);
      expect(slot).toMatchObject({ state: 'active', instanceId: response.body.instanceId });
    },
  );

  it('counts a bare 400 naming the instance as freed when deactivating', async () => {
    // Prepare
    const { license, activate } = saasLicenseWithSeats(stack, 2);
    const device = await activate();
    await deactivateAtLemonSqueezy(stack, license.key, device.instanceId);
    stack.lemonSqueezy.refusals.answerBare({ key: license.key, instanceStatus: 400 });

    // Act
    const response = await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceId: device.instanceId,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('deactivated');
    const { slot } = await storedSlot(stack, license.key, device.instanceName);
    expect(slot).toMatchObject({ state: 'deactivated' });
  });

  it('answers UPSTREAM_ERROR for a bare refusal it does not recognise, and takes no seat', async () => {
    // Prepare
    const { license, activate } = saasLicenseWithSeats(stack, 2);
    await activate();
    const body = { activated: false, error: 'Something went wrong on our side.' };
    stack.lemonSqueezy.faults.inject('activate', { kind: 'status', status: 400, body });

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect(response.body.code).toBe('UPSTREAM_ERROR');
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(1);
  });
});

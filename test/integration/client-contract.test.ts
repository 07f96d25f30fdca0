import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import { releaseIdleSeats } from '#services/release-idle-devices.ts';
import { twoDevices, withReleaseAfter } from '#test/helpers/devices.ts';
import { deactivateAtLemonSqueezy } from '#test/helpers/integrity-checks.ts';
import { getKeys, verifyLease } from '#test/helpers/lease.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { parsedByClient } from '#test/helpers/ravn-client.ts';
import {
  activatedLicense,
  deviceId,
  seedLicense,
  startTestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

describe('client contract: every success body parses as the shipped client parses it', () => {
  const stack = useTestStack();

  it('a trial without a name: status trial, trial_ends_at, the email as the name', async () => {
    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'nameless@example.com',
    });

    // Assess
    const body = parsedByClient(response);
    expect(body).toMatchObject({
      status: 'trial',
      user_name: 'nameless@example.com',
      user_email: 'nameless@example.com',
      ai_mode: 'saas',
      trial_ends_at: '2026-04-09T12:00:00Z',
      expires_at: '2026-04-09T12:00:00Z',
    });
    expect(body.ai_details?.limit).toBe(2);
  });

  it('a trial with a name, then its activation and its validate on the same device', async () => {
    // Prepare
    const instanceName = deviceId();
    const trial = parsedByClient(
      await stack.post('/v1/trial', { instanceName, email: 'named@example.com', name: 'Ann' }),
    );

    // Act
    const activated = parsedByClient(
      await stack.post('/v1/activate', { instanceName, licenseKey: trial.licenseKey }),
    );
    const validated = parsedByClient(
      await stack.post('/v1/validate', { licenseKey: trial.licenseKey }),
    );

    // Assess
    for (const body of [trial, activated, validated]) {
      expect(body).toMatchObject({
        status: 'trial',
        user_name: 'Ann',
        instanceId: trial.instanceId,
      });
      expect(body.trial_ends_at).toBe(trial.trial_ends_at);
    }
  });

  it.each(['saas', 'byok'] as const)(
    'a %s license: new device, repeat device, second device, validate',
    async (plan) => {
      // Prepare
      const license = seedLicense(stack, plan, {
        subscription:
          plan === 'saas'
            ? {
                status: 'active',
                renewsAt: new Date(stack.clock.now().getTime() + 20 * DAY).toISOString(),
              }
            : undefined,
      });
      const device = deviceId();

      // Act
      const bodies = [
        await stack.post('/v1/activate', { instanceName: device, licenseKey: license.key }),
        await stack.post('/v1/activate', { instanceName: device, licenseKey: license.key }),
        await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key }),
        await stack.post('/v1/validate', { licenseKey: license.key }),
      ].map(parsedByClient);

      // Assess
      for (const body of bodies) {
        expect(body).toMatchObject({
          status: 'active',
          ai_mode: plan,
          user_name: 'Jane Doe',
          user_email: 'jane@example.com',
          licenseKey: license.key,
        });
        expect(body.trial_ends_at ?? null).toBeNull();
        expect(Boolean(body.ai_details)).toBe(plan === 'saas');
      }
    },
  );

  it('two devices validating without names: both keep their seats through the idle release, the license is seen, the lease names no device', async () => {
    // Prepare: release_after_days on; the shipped client validates with the key alone.
    const deps = { ...stack.deps, products: withReleaseAfter(stack.deps.products, 7) };
    const { license, first, second } = await twoDevices(stack);
    const keys = await getKeys(stack);
    let last: ReturnType<typeof parsedByClient> | undefined;
    let lease = '';
    for (let day = 0; day < 9; day += 1) {
      stack.clock.advance(DAY);
      for (let device = 0; device < 2; device += 1) {
        const response = await stack.post('/v1/validate', { licenseKey: license.key });
        last = parsedByClient(response);
        lease = response.body.lease;
      }
    }

    // Act
    const stored = await stack.deps.store.get(licenseHashOf(license.key));
    const released = stored
      ? await releaseIdleSeats(deps, stored, { allowed: 10, spacingMs: 0 })
      : undefined;
    const listed = await stack.post('/v1/devices', { licenseKey: license.key });

    // Assess
    expect(released?.released).toBe(0);
    expect(last?.status).toBe('active');
    expect(last?.instanceId).toEqual(expect.any(String));
    expect(listed.body.devices.map((device: { status: string }) => device.status)).toEqual([
      'active',
      'active',
    ]);
    expect(listed.body.license_last_seen_at).toEqual(expect.any(String));
    expect(
      stack.lemonSqueezy
        .instances(license.key)
        .map((instance) => instance.id)
        .sort(),
    ).toEqual([first.instanceId, second.instanceId].sort());
    const { payload } = verifyLease(lease, keys.body);
    expect(payload.scope).toBe('license');
    expect(payload).not.toHaveProperty('instanceId');
    expect(payload).not.toHaveProperty('instanceName');
  });

  it('a license with an expiry and a customer without a name', async () => {
    // Prepare
    const license = seedLicense(stack, 'byok', {
      expiresAt: '2027-01-31T00:00:00.000Z',
      customerName: null,
    });

    // Act
    const body = parsedByClient(
      await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key }),
    );

    // Assess
    expect(body).toMatchObject({
      expires_at: '2027-01-31T00:00:00Z',
      user_name: 'jane@example.com',
      status: 'active',
    });
  });

  it('a validate after the period rotated, and one served from the table while LemonSqueezy is down', async () => {
    // Prepare
    const local = await startTestStack();
    const renewsAt = new Date(local.clock.now().getTime() + DAY).toISOString();
    const { license, token } = await activatedLicense(local, 'saas', renewsAt);
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
      renewsAt: new Date(local.clock.now().getTime() + 31 * DAY).toISOString(),
    });
    local.clock.advance(DAY + HOUR);

    // Act
    const rotated = parsedByClient(await local.post('/v1/validate', { licenseKey: license.key }));
    local.clock.advance(25 * HOUR);
    local.lemonSqueezy.faults.inject('validate', { kind: 'status', status: 503 });
    const inGrace = parsedByClient(await local.post('/v1/validate', { licenseKey: license.key }));

    // Assess
    expect(rotated.status).toBe('active');
    expect(rotated.ai_details?.token).not.toBe(token);
    expect(inGrace.status).toBe('active');
    expect(inGrace.ai_details?.token).toBe(rotated.ai_details?.token);
    await local.close();
  });

  it.each([
    ['disabled at LemonSqueezy', 'suspended', 'LICENSE_DISABLED'],
    ['its subscription expired', 'expired', 'LICENSE_EXPIRED'],
    ['its subscription paused', 'suspended', 'LICENSE_INACTIVE'],
    ['it expired at LemonSqueezy', 'expired', 'LICENSE_EXPIRED'],
  ] as const)(
    'a validate once %s answers 200 %s with %s and no key',
    async (change, status, code) => {
      // Prepare
      const { license } = await activatedLicense(stack, 'saas');
      if (change === 'disabled at LemonSqueezy') {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      } else if (change === 'it expired at LemonSqueezy') {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'expired' });
      } else {
        stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
          status: change === 'its subscription expired' ? 'expired' : 'paused',
        });
      }
      stack.clock.advance(25 * HOUR);

      // Act
      const response = await stack.post('/v1/validate', { licenseKey: license.key });

      // Assess
      const body = parsedByClient(response);
      expect(body.status).toBe(status);
      expect(body.ai_details ?? null).toBeNull();
      expect(response.body.code).toBe(code);
      expect(response.body.message).toEqual(expect.any(String));
    },
  );

  it('a renewal not recorded yet: 200 active without ai_details, AI_CREDIT_PENDING', async () => {
    // Prepare
    const renewsAt = new Date(stack.clock.now().getTime() + DAY).toISOString();
    const { license } = await activatedLicense(stack, 'saas', renewsAt);
    stack.clock.advance(DAY + HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    const body = parsedByClient(response);
    expect(body.status).toBe('active');
    expect(body.ai_details ?? null).toBeNull();
    expect(response.body.code).toBe('AI_CREDIT_PENDING');
  });

  it('a device whose seat was freed at LemonSqueezy: 200 suspended, DEVICE_DEACTIVATED', async () => {
    // Prepare
    const { license, activation } = await activatedLicense(stack, 'saas');
    await deactivateAtLemonSqueezy(stack, license.key, activation.instanceId);
    stack.clock.advance(25 * HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    const body = parsedByClient(response);
    expect([body.status, response.body.code]).toEqual(['suspended', 'DEVICE_DEACTIVATED']);
    expect(body.ai_details ?? null).toBeNull();
  });

  it('a validate after the trial ended answers 200 expired with TRIAL_EXPIRED', async () => {
    // Prepare
    const local = await startTestStack();
    const trial = await local.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'x@example.com',
    });
    local.clock.advance(30 * DAY + HOUR);

    // Act
    const response = await local.post('/v1/validate', { licenseKey: trial.body.licenseKey });

    // Assess
    const body = parsedByClient(response);
    expect([body.status, response.body.code]).toEqual(['expired', 'TRIAL_EXPIRED']);
    expect(body.trial_ends_at).toBe(trial.body.trial_ends_at);
    await local.close();
  });
});

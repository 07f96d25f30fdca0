import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import type { Fault } from '#local/sandbox/faults.ts';
import { storedSlot, twoDevices } from '#test/helpers/devices.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { HOUR } from '#test/helpers/manual-clock.ts';
import { deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';

describe('POST /v1/deactivate refusals', () => {
  const stack = useTestStack();
  const liveKeysOf = (licenseKey: string) =>
    stack.openRouter.liveKeys().filter((key) => key.name.includes(licenseHashOf(licenseKey)));

  it('answers TRIAL_NOT_TRANSFERABLE for a trial, which keeps its device', async () => {
    // Prepare
    const instanceName = deviceId();
    const trial = await stack.post('/v1/trial', {
      instanceName,
      email: `deactivate-${instanceName.slice(0, 8)}@example.com`,
    });

    // Act
    const response = await stack.post('/v1/deactivate', {
      licenseKey: trial.body.licenseKey,
      instanceName,
    });
    const validated = await stack.post('/v1/validate', { licenseKey: trial.body.licenseKey });

    // Assess
    expect([response.status, response.body.code]).toEqual([403, 'TRIAL_NOT_TRANSFERABLE']);
    expect([validated.status, validated.body.status]).toEqual([200, 'trial']);
  });

  it.each([
    ['a key LemonSqueezy knows but never activated here', true],
    ['a key nobody knows', false],
  ])('answers LICENSE_NOT_FOUND for %s', async (_label, seeded) => {
    // Prepare
    const licenseKey = seeded ? seedLicense(stack, 'saas').key : `${deviceId().slice(0, 36)}`;

    // Act
    const response = await stack.post('/v1/deactivate', { licenseKey, instanceName: deviceId() });

    // Assess
    expect([response.status, response.body.code]).toEqual([404, 'LICENSE_NOT_FOUND']);
  });

  it.each([
    ['no device named', { licenseKey: 'ABC' }, "Field 'instanceId' is required."],
    ['no license key', { instanceId: 'x' }, "Field 'licenseKey' is required."],
    [
      'an empty instance id',
      { licenseKey: 'ABC', instanceId: '' },
      "Field 'instanceId' is invalid",
    ],
    [
      'a number for a name',
      { licenseKey: 'ABC', instanceName: 7 },
      "Field 'instanceName' is invalid",
    ],
    ['an array', [], 'The body must be a JSON object.'],
  ])('answers INVALID_REQUEST for %s', async (_label, body, message) => {
    // Act
    const response = await stack.post('/v1/deactivate', body);

    // Assess
    expect([response.status, response.body.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(response.body.error).toContain(message);
  });

  it('answers LICENSE_DISABLED, with no upstream call, for a key stored as disabled', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(25 * HOUR);
    await stack.post('/v1/validate', { licenseKey: license.key }); // the refresh stores it
    const deactivations = stack.lemonSqueezy.callCount('deactivate');

    // Act
    const response = await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceId: first.instanceId,
    });

    // Assess
    expect([response.status, response.body.code]).toEqual([400, 'LICENSE_DISABLED']);
    expect(stack.lemonSqueezy.callCount('deactivate')).toBe(deactivations);
  });

  it.each([
    ['disabled', 'LICENSE_DISABLED'],
    ['expired', 'LICENSE_EXPIRED'],
  ] as const)(
    'learns from LemonSqueezy that a key turned %s since the last check: %s, stored, key disabled',
    async (status, code) => {
      // Prepare: the key changes at LemonSqueezy and no webhook or refresh tells us.
      const { license, first } = await twoDevices(stack);
      const deactivations = stack.lemonSqueezy.callCount('deactivate');
      expect(liveKeysOf(license.key)).toHaveLength(1);
      stack.lemonSqueezy.updateLicense(license.key, {
        status,
        ...(status === 'expired' ? { expiresAt: stack.clock.now().toISOString() } : {}),
      });

      // Act
      const response = await stack.post('/v1/deactivate', {
        licenseKey: license.key,
        instanceId: first.instanceId,
      });
      const again = await stack.post('/v1/deactivate', {
        licenseKey: license.key,
        instanceId: first.instanceId,
      });

      // Assess: one upstream call; the refusal is stored, so a retry needs none.
      expect([response.status, response.body.code]).toEqual([400, code]);
      expect(response.body).toEqual(errorBodyOf(response.body.code, response.body.error));
      expect([again.status, again.body.code]).toEqual([400, code]);
      expect(stack.lemonSqueezy.callCount('deactivate')).toBe(deactivations + 1);
      expect((await storedSlot(stack, license.key, first.instanceName)).slot).toMatchObject({
        state: 'active',
        instanceId: first.instanceId,
      });
      expect(liveKeysOf(license.key)).toEqual([]);
    },
  );
});

describe('POST /v1/deactivate while LemonSqueezy fails', () => {
  const stack = useTestStack({ UPSTREAM_TIMEOUT_MS: '500' });

  it.each<[string, Fault]>([
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['a timeout', { kind: 'timeout' }],
    ['a connection reset', { kind: 'reset' }],
    ['an answer slower than the timeout', { kind: 'slow', delayMs: 800 }],
  ])(
    'answers 503 on %s, keeps the device active, and a retry frees the seat',
    async (_label, fault) => {
      // Prepare
      const { license, first, second } = await twoDevices(stack);
      stack.lemonSqueezy.faults.inject('deactivate', fault);
      const request = { licenseKey: license.key, instanceId: first.instanceId };

      // Act
      const failed = await stack.post('/v1/deactivate', request);
      const during = await storedSlot(stack, license.key, first.instanceName);
      const validated = await stack.post('/v1/validate', {
        licenseKey: license.key,
        instanceId: first.instanceId,
      });
      await sleep(400); // a slow answer is acted on upstream after we stopped waiting
      const retried = await stack.post('/v1/deactivate', request);

      // Assess
      expect(failed.status).toBe(503);
      expect(failed.body).toEqual(errorBodyOf(failed.body.code, expect.any(String)));
      expect(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR']).toContain(failed.body.code);
      expect(during.slot).toMatchObject({ state: 'active', instanceId: first.instanceId });
      expect(during.slot).not.toHaveProperty('deactivation');
      expect(during.usage).toBe(2);
      expect([validated.status, validated.body.status]).toEqual([200, 'active']);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ status: 'deactivated', activation_usage: 1 });
      expect(stack.lemonSqueezy.instances(license.key).map((instance) => instance.id)).toEqual([
        second.instanceId,
      ]);
      const after = await storedSlot(stack, license.key, first.instanceName);
      expect(after.slot).toMatchObject({ state: 'deactivated' });
      expect(after.usage).toBe(1);
    },
  );
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import type { Fault } from '#local/sandbox/faults.ts';
import { deactivateResponseSchema } from '#schemas/device-response.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { postWithKey } from '#test/helpers/idempotent-post.ts';
import { deactivateAtLemonSqueezy } from '#test/helpers/integrity-checks.ts';
import { HOUR } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  saasLicenseWithSeats,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

/** A SaaS license with two seats, activated on two new devices (`first` activated first). */
async function twoDevices(stack: TestStack) {
  const { license, activate } = saasLicenseWithSeats(stack, 2);
  const first = await activate();
  const second = await activate();
  return { license, first, second };
}

/** The stored slot of `instanceName` (read from the table, not through our store). */
async function slotOf(stack: TestStack, licenseKey: string, instanceName: string) {
  const item = (await stack.items()).find(
    (candidate) =>
      candidate.licenseHash === licenseHashOf(licenseKey) && candidate.sk === 'LICENSE',
  );
  const slots = Object.values((item?.devices ?? {}) as Record<string, Record<string, unknown>>);
  return {
    slot: slots.find((candidate) => candidate.instanceName === instanceName),
    usage: (item?.provider as { activationUsage?: number } | undefined)?.activationUsage,
  };
}

describe('POST /v1/deactivate', () => {
  const stack = useTestStack();

  it('frees the seat at LemonSqueezy, marks the device deactivated and keeps the AI key for the other device', async () => {
    // Prepare
    const { license, first, second } = await twoDevices(stack);
    const deactivations = stack.lemonSqueezy.callCount('deactivate');
    const now = stack.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');

    // Act
    const response = await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceId: first.instanceId,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(deactivateResponseSchema.strict().parse(response.body)).toEqual({
      instanceId: first.instanceId,
      instanceName: first.instanceName,
      status: 'deactivated',
      activated_at: now,
      last_seen_at: null,
      deactivated_at: now,
      activation_limit: 2,
      activation_usage: 1,
    });
    expect(stack.lemonSqueezy.callCount('deactivate')).toBe(deactivations + 1);
    expect(stack.lemonSqueezy.instances(license.key).map((instance) => instance.id)).toEqual([
      second.instanceId,
    ]);
    const stored = await slotOf(stack, license.key, first.instanceName);
    expect(stored.slot).toMatchObject({ state: 'deactivated', instanceId: first.instanceId });
    expect(stored.slot).not.toHaveProperty('deactivation');
    expect(stored.usage).toBe(1);
    const other = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceName: second.instanceName,
    });
    expect([other.status, other.body.status]).toEqual([200, 'active']);
    expect(other.body.ai_details.token).toBe(second.token);
    expect(first.token).toBe(second.token);
    expect(stack.openRouter.liveKeys().map((key) => key.key)).toContain(second.token);
  });

  it('lets another device take the freed seat', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    const third = deviceId();
    const refused = await stack.post('/v1/activate', {
      instanceName: third,
      licenseKey: license.key,
    });

    // Act
    await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceName: first.instanceName,
    });
    const taken = await stack.post('/v1/activate', {
      instanceName: third,
      licenseKey: license.key,
    });

    // Assess
    expect([refused.status, refused.body.code]).toEqual([409, 'ACTIVATION_LIMIT_REACHED']);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ instanceName: third, activation_usage: 2 });
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(2);
  });

  it('answers a validate of the deactivated device suspended with DEVICE_DEACTIVATED', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    await stack.post('/v1/deactivate', { licenseKey: license.key, instanceId: first.instanceId });

    // Act
    const response = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceId: first.instanceId,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'suspended', code: 'DEVICE_DEACTIVATED' });
    expect(response.body).not.toHaveProperty('ai_details');
  });

  it('answers the shipped client, which names no device, suspended once its only device is freed', async () => {
    // Prepare
    const { license, activate } = saasLicenseWithSeats(stack, 1);
    const only = await activate();
    await stack.post('/v1/deactivate', { licenseKey: license.key, instanceId: only.instanceId });

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      instanceId: only.instanceId,
      status: 'suspended',
      code: 'DEVICE_DEACTIVATED',
    });
    expect(response.body).not.toHaveProperty('ai_details');
  });

  it('answers a repeat with the same body and no second upstream call', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    const request = {
      licenseKey: license.key,
      instanceId: first.instanceId,
      instanceName: first.instanceName,
    };
    const firstAnswer = await stack.post('/v1/deactivate', request);
    const deactivations = stack.lemonSqueezy.callCount('deactivate');

    // Act
    const byBoth = await stack.post('/v1/deactivate', request);
    const byName = await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceName: first.instanceName,
    });

    // Assess
    expect(firstAnswer.status).toBe(200);
    expect({ status: byBoth.status, body: byBoth.body, text: byBoth.text }).toEqual({
      status: firstAnswer.status,
      body: firstAnswer.body,
      text: firstAnswer.text,
    });
    expect(byName.body).toEqual(firstAnswer.body);
    expect(stack.lemonSqueezy.callCount('deactivate')).toBe(deactivations);
    expect((await slotOf(stack, license.key, first.instanceName)).usage).toBe(1);
  });

  it('deactivates once for 10 parallel requests for one device, all answered alike', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    // A slow LemonSqueezy keeps the winner busy while the other requests arrive.
    stack.lemonSqueezy.faults.inject('deactivate', { kind: 'slow', delayMs: 200 });
    const deactivations = stack.lemonSqueezy.callCount('deactivate');

    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        stack.post(
          '/v1/deactivate',
          index % 2 === 0
            ? { licenseKey: license.key, instanceId: first.instanceId }
            : { licenseKey: license.key, instanceName: first.instanceName },
        ),
      ),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((response) => response.text)).size).toBe(1);
    expect(stack.lemonSqueezy.callCount('deactivate')).toBe(deactivations + 1);
    expect((await slotOf(stack, license.key, first.instanceName)).usage).toBe(1);
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(1);
  });

  it('replays the answer for a repeated Idempotency-Key', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    const body = { licenseKey: license.key, instanceId: first.instanceId };
    const key = `deactivate-${deviceId()}`;

    // Act
    const firstAnswer = await postWithKey(stack, '/v1/deactivate', body, key);
    const replayed = await postWithKey(stack, '/v1/deactivate', body, key);

    // Assess
    expect(firstAnswer.status).toBe(200);
    expect([replayed.status, replayed.replayed]).toEqual([200, 'true']);
    expect(replayed.body).toEqual(firstAnswer.body);
  });

  it('counts an instance LemonSqueezy no longer has as already freed', async () => {
    // Prepare
    const { license, first, second } = await twoDevices(stack);
    await deactivateAtLemonSqueezy(stack, license.key, first.instanceId);

    // Act
    const response = await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceName: first.instanceName,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ instanceId: first.instanceId, status: 'deactivated' });
    expect(stack.lemonSqueezy.instances(license.key).map((instance) => instance.id)).toEqual([
      second.instanceId,
    ]);
    expect((await slotOf(stack, license.key, first.instanceName)).slot).toMatchObject({
      state: 'deactivated',
    });
  });

  it.each([
    ['a name and an id of two different devices', 'mismatch'],
    ['an unknown instance id', 'id'],
    ['an unknown device name', 'name'],
  ])('answers INSTANCE_NOT_FOUND for %s, with no upstream call', async (_label, kind) => {
    // Prepare
    const { license, first, second } = await twoDevices(stack);
    const deactivations = stack.lemonSqueezy.callCount('deactivate');
    const names = {
      mismatch: { instanceId: first.instanceId, instanceName: second.instanceName },
      id: { instanceId: '7c0e1a52-0000-4000-8000-000000000000' },
      name: { instanceName: deviceId() },
    }[kind];

    // Act
    const response = await stack.post('/v1/deactivate', { licenseKey: license.key, ...names });

    // Assess
    expect(response.status).toBe(404);
    expect(response.body).toEqual(
      errorBodyOf('INSTANCE_NOT_FOUND', 'No device of this license key has that name or id.'),
    );
    expect(stack.lemonSqueezy.callCount('deactivate')).toBe(deactivations);
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(2);
  });

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
      const during = await slotOf(stack, license.key, first.instanceName);
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
      const after = await slotOf(stack, license.key, first.instanceName);
      expect(after.slot).toMatchObject({ state: 'deactivated' });
      expect(after.usage).toBe(1);
    },
  );
});

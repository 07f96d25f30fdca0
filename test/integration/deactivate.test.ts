import { describe, expect, it } from 'vitest';
import { deactivateResponseSchema } from '#schemas/device-response.ts';
import { storedSlot, twoDevices } from '#test/helpers/devices.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { postWithKey } from '#test/helpers/idempotent-post.ts';
import { deactivateAtLemonSqueezy } from '#test/helpers/integrity-checks.ts';
import { deviceId, saasLicenseWithSeats, useTestStack } from '#test/helpers/test-stack.ts';

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
    const stored = await storedSlot(stack, license.key, first.instanceName);
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
    expect((await storedSlot(stack, license.key, first.instanceName)).usage).toBe(1);
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
    expect((await storedSlot(stack, license.key, first.instanceName)).usage).toBe(1);
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
    expect((await storedSlot(stack, license.key, first.instanceName)).slot).toMatchObject({
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
});

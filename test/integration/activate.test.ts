import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import { licenseResponseSchema } from '#schemas/license-response.ts';
import {
  deviceId,
  orphanKeys,
  PLANS,
  seedLicense,
  useTestStack,
} from '#test/helpers/test-stack.ts';

const RENEWS_AT = '2026-04-02T09:30:00.000Z';

describe('POST /v1/activate', () => {
  const stack = useTestStack();

  it('activates a SaaS subscription key with a key for the credits, expiring at renews_at', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas', {
      subscription: { status: 'active', renewsAt: RENEWS_AT },
    });
    const device = deviceId();

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: device,
      licenseKey: license.key,
    });

    // Assess
    expect(response.status).toBe(200);
    const body = licenseResponseSchema.parse(response.body);
    expect(body).toMatchObject({
      instanceName: device,
      licenseKey: license.key,
      user_name: 'Jane Doe',
      user_email: 'jane@example.com',
      ai_mode: 'saas',
      ai_details: {
        limit: PLANS.saas.credits,
        limit_remaining: PLANS.saas.credits,
        expires_at: '2026-04-02T09:30:00Z',
      },
      activation_usage: 1,
    });
    expect(stack.lemonSqueezy.instances(license.key)).toEqual([
      { id: body.instanceId, name: device },
    ]);
    const issued = stack.openRouter.keys().find((key) => key.key === body.ai_details?.token);
    expect(issued?.expiresAt && new Date(issued.expiresAt).toISOString()).toBe(RENEWS_AT);
  });

  it('ends the period one calendar month after activation when the key has no subscription', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.ai_details.expires_at).toBe('2026-04-10T12:00:00Z');
  });

  it('activates a BYOK key without any AI key', async () => {
    // Prepare
    const license = seedLicense(stack, 'byok');
    const keysBefore = stack.openRouter.keys().length;

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.ai_mode).toBe('byok');
    expect(response.body).not.toHaveProperty('ai_details');
    expect(stack.openRouter.keys()).toHaveLength(keysBefore);
  });

  it('returns the existing activation when the same device activates again, without a second seat', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const device = deviceId();
    const first = await stack.post('/v1/activate', {
      instanceName: device,
      licenseKey: license.key,
    });

    // Act
    const second = await stack.post('/v1/activate', {
      instanceName: device,
      licenseKey: license.key,
    });

    // Assess
    expect(second.status).toBe(200);
    expect(second.body.instanceId).toBe(first.body.instanceId);
    expect(second.body.ai_details.token).toBe(first.body.ai_details.token);
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(1);
  });

  it('shares one key per license and period between devices', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const first = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Act
    const second = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect(second.status).toBe(200);
    expect(second.body.instanceId).not.toBe(first.body.instanceId);
    expect(second.body.ai_details.token).toBe(first.body.ai_details.token);
    expect(second.body.activation_usage).toBe(2);
  });

  it.each([
    ['LICENSE_NOT_FOUND', 404, () => ({ key: 'AAAAAAAA-0000-0000-0000-000000000000' })],
    ['PRODUCT_NOT_ALLOWED', 400, () => seedLicense(stack, 'saas', { storeId: 1 })],
    ['PRODUCT_NOT_ALLOWED', 400, () => seedLicense(stack, 'saas', { variantId: 42 })],
    ['PRODUCT_NOT_ALLOWED', 400, () => seedLicense(stack, 'saas', { testMode: true })],
    ['LICENSE_DISABLED', 400, () => seedLicense(stack, 'saas', { status: 'disabled' })],
    [
      'LICENSE_EXPIRED',
      400,
      () => seedLicense(stack, 'saas', { expiresAt: '2026-01-01T00:00:00.000Z' }),
    ],
    ['LICENSE_EXPIRED', 400, () => seedLicense(stack, 'saas', { status: 'expired' })],
    ['LICENSE_NOT_FOUND', 404, () => ({ key: 'trial-000000000000-000000000000-00000000' })],
  ])('answers %s (%i) and uses no seat', async (code, status, makeLicense) => {
    // Prepare
    const license = makeLicense();
    const activationsBefore = stack.lemonSqueezy.callCount('activate');

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({
      code,
      requestId: expect.any(String),
      error: expect.any(String),
    });
    expect(stack.lemonSqueezy.callCount('activate')).toBe(activationsBefore);
  });

  it('answers ACTIVATION_LIMIT_REACHED once every seat is used', async () => {
    // Prepare
    const license = seedLicense(stack, 'byok', { activationLimit: 1 });
    await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key });

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('ACTIVATION_LIMIT_REACHED');
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(1);
  });

  it('uses exactly one LemonSqueezy activation for 50 parallel requests from one device', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const device = deviceId();

    // Act
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        stack.post('/v1/activate', { instanceName: device, licenseKey: license.key }),
      ),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((response) => response.body.instanceId)).size).toBe(1);
    expect(new Set(responses.map((response) => response.body.ai_details.token)).size).toBe(1);
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(1);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('gives seats to exactly the activation limit when 50 devices race for them', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas', { activationLimit: 3 });

    // Act
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key }),
      ),
    );

    // Assess
    const ok = responses.filter((response) => response.status === 200);
    expect(ok).toHaveLength(3);
    // The seats refuse most; while up to activation_limit + device_changes new devices are in
    // flight at once, the device-change limit refuses the rest of the burst (429).
    const refusals = new Set(['ACTIVATION_LIMIT_REACHED', 'DEVICE_CHANGE_LIMIT']);
    expect(responses.filter((response) => refusals.has(response.body?.code))).toHaveLength(47);
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(3);
    // Only the devices that got a seat count as device changes.
    const stored = await stack.deps.store.get(licenseHashOf(license.key));
    expect(Object.keys(stored?.newDevices ?? {})).toHaveLength(3);
    expect(new Set(ok.map((response) => response.body.ai_details.token)).size).toBe(1);
    expect(await orphanKeys(stack)).toEqual([]);
  });
});

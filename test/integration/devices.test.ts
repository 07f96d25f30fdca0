import { describe, expect, it } from 'vitest';
import { devicesResponseSchema } from '#schemas/device-response.ts';
import { HOUR } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  saasLicenseWithSeats,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

/** RFC 3339 without milliseconds, as the API writes times. */
function wire(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A SaaS license with three seats; `activate` takes one for a new device. */
function saasLicense(stack: TestStack) {
  const { license, activate } = saasLicenseWithSeats(stack, 3);
  return {
    license,
    activate: async () => {
      const device = await activate();
      return { ...device, at: wire(device.activatedAt) };
    },
  };
}

describe('POST /v1/devices', () => {
  const stack = useTestStack();

  it('lists the active devices first, then the deactivated one, with the seats', async () => {
    // Prepare
    const { license, activate } = saasLicense(stack);
    const first = await activate();
    stack.clock.advance(HOUR);
    const second = await activate();
    stack.clock.advance(HOUR);
    const third = await activate();
    stack.clock.advance(HOUR);
    const deactivatedAt = wire(stack.clock.now());
    await stack.post('/v1/deactivate', { licenseKey: license.key, instanceId: second.instanceId });
    const lemonCalls = () =>
      (['validate', 'activate', 'deactivate'] as const).map((route) =>
        stack.lemonSqueezy.callCount(route),
      );
    const callsBefore = lemonCalls();

    // Act
    const response = await stack.post('/v1/devices', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(devicesResponseSchema.strict().parse(response.body)).toEqual({
      devices: [
        {
          instanceId: third.instanceId,
          instanceName: third.instanceName,
          status: 'active',
          activated_at: third.at,
          last_seen_at: null,
          deactivated_at: null,
        },
        {
          instanceId: first.instanceId,
          instanceName: first.instanceName,
          status: 'active',
          activated_at: first.at,
          last_seen_at: null,
          deactivated_at: null,
        },
        {
          instanceId: second.instanceId,
          instanceName: second.instanceName,
          status: 'deactivated',
          activated_at: second.at,
          last_seen_at: null,
          deactivated_at: deactivatedAt,
        },
      ],
      activation_limit: 3,
      activation_usage: 2,
      license_last_seen_at: null,
    });
    // One read of our own table: LemonSqueezy is not asked.
    expect(lemonCalls()).toEqual(callsBefore);
    // No token, no license key, no claim: only the listed fields.
    expect(response.text).not.toContain(first.token);
    expect(response.text).not.toContain(license.key);
    expect(response.text).not.toMatch(/sk-or-v1|token|claim/i);
  });

  it("never shows another license's devices", async () => {
    // Prepare
    const mine = saasLicense(stack);
    const theirs = saasLicense(stack);
    const myDevice = await mine.activate();
    const theirDevice = await theirs.activate();

    // Act
    const response = await stack.post('/v1/devices', { licenseKey: mine.license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(
      response.body.devices.map((device: { instanceId: string }) => device.instanceId),
    ).toEqual([myDevice.instanceId]);
    expect(response.text).not.toContain(theirDevice.instanceId);
    expect(response.text).not.toContain(theirDevice.instanceName);
  });

  it('lists a trial with its one device and one seat', async () => {
    // Prepare
    const instanceName = deviceId();
    const trial = await stack.post('/v1/trial', {
      instanceName,
      email: `devices-${instanceName.slice(0, 8)}@example.com`,
    });

    // Act
    const response = await stack.post('/v1/devices', { licenseKey: trial.body.licenseKey });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      devices: [{ instanceId: trial.body.instanceId, instanceName, status: 'active' }],
      activation_limit: 1,
      activation_usage: 1,
    });
    expect(response.text).not.toContain(trial.body.ai_details.token);
  });

  it.each([
    ['a key LemonSqueezy knows but never activated here', true],
    ['a key nobody knows', false],
  ])('answers LICENSE_NOT_FOUND for %s', async (_label, seeded) => {
    // Prepare
    const licenseKey = seeded ? seedLicense(stack, 'saas').key : deviceId().slice(0, 36);

    // Act
    const response = await stack.post('/v1/devices', { licenseKey });

    // Assess
    expect([response.status, response.body.code]).toEqual([404, 'LICENSE_NOT_FOUND']);
  });

  it.each([
    ['no license key', {}, "Field 'licenseKey' is required."],
    ['a blank license key', { licenseKey: '  ' }, "Field 'licenseKey' is invalid"],
    ['a number for a license key', { licenseKey: 12 }, "Field 'licenseKey' is invalid"],
  ])('answers INVALID_REQUEST for %s', async (_label, body, message) => {
    // Act
    const response = await stack.post('/v1/devices', body);

    // Assess
    expect([response.status, response.body.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(response.body.error).toContain(message);
  });
});

import { describe, expect, it } from 'vitest';
import { productsConfig } from '#config/products.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  type HttpResult,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

const CHANGES = productsConfig.products.byok_lifetime?.device_changes ?? 0;
const wire = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A one-seat BYOK license that moves from device to device: each move frees the previous
 * device's seat first, so only the device-change limit can refuse the new one.
 */
function movingLicense(stack: TestStack) {
  const license = seedLicense(stack, 'byok', { activationLimit: 1 });
  let current: string | undefined;
  const moveTo = async (instanceName: string): Promise<HttpResult> => {
    if (current) {
      const freed = await stack.post('/v1/deactivate', {
        licenseKey: license.key,
        instanceId: current,
      });
      if (freed.status !== 200) throw new Error(`deactivate failed: ${freed.text}`);
      current = undefined;
    }
    const response = await stack.post('/v1/activate', { instanceName, licenseKey: license.key });
    if (response.status === 200) current = response.body.instanceId;
    return response;
  };
  return { license, moveTo };
}

/** Seats the license on 1 + device_changes new devices, an hour apart; returns the first's time. */
async function useUpChanges(stack: TestStack, moveTo: (name: string) => Promise<HttpResult>) {
  const firstAt = stack.clock.now().getTime();
  const devices: string[] = [];
  for (let move = 0; move <= CHANGES; move += 1) {
    const device = deviceId();
    devices.push(device);
    const response = await moveTo(device);
    if (response.status !== 200) throw new Error(`move ${move} failed: ${response.text}`);
    stack.clock.advance(HOUR);
  }
  return { firstAt, devices };
}

describe('device-change limit (activation_limit + device_changes new devices per 30 days)', () => {
  const stack = useTestStack();

  it('answers 429 DEVICE_CHANGE_LIMIT with Retry-After and retry_at for one new device too many', async () => {
    // Prepare
    const { moveTo } = movingLicense(stack);
    const { firstAt } = await useUpChanges(stack, moveTo);
    const now = stack.clock.now().getTime();

    // Act
    const response = await moveTo(deviceId());

    // Assess
    expect(response.status).toBe(429);
    expect(response.body).toMatchObject({
      code: 'DEVICE_CHANGE_LIMIT',
      retry_at: wire(firstAt + 30 * DAY),
    });
    expect(response.headers?.['retry-after']).toBe(String((firstAt + 30 * DAY - now) / 1000));
  });

  it('lets a device the license knows come back at the limit', async () => {
    // Prepare
    const { moveTo } = movingLicense(stack);
    const { devices } = await useUpChanges(stack, moveTo);

    // Act
    const response = await moveTo(devices[0] as string);

    // Assess
    expect(response.status).toBe(200);
  });

  it('still refuses on day 29 after the first change and lets the new device in on day 30', async () => {
    // Prepare
    const { moveTo } = movingLicense(stack);
    const { firstAt } = await useUpChanges(stack, moveTo);
    stack.clock.set(new Date(firstAt + 29 * DAY));
    const dayTwentyNine = await moveTo(deviceId());
    stack.clock.set(new Date(firstAt + 30 * DAY));

    // Act
    const dayThirty = await moveTo(deviceId());

    // Assess
    expect(dayTwentyNine.status).toBe(429);
    expect(dayThirty.status).toBe(200);
  });
});

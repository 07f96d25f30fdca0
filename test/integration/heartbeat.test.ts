import { describe, expect, it } from 'vitest';
import { slotOf } from '#domain/device-slots.ts';
import { licenseHashOf } from '#domain/license.ts';
import { twoDevices } from '#test/helpers/devices.ts';
import { HOUR, MINUTE } from '#test/helpers/manual-clock.ts';
import { activatedLicense, useTestStack } from '#test/helpers/test-stack.ts';

describe('device heartbeats (last_seen_at)', () => {
  const stack = useTestStack();

  async function lastSeen(licenseKey: string, device: string) {
    const stored = await stack.deps.store.get(licenseHashOf(licenseKey));
    const slot = stored && slotOf(stored, device);
    return slot?.state === 'active' ? slot.lastSeenAt : 'not active';
  }

  it('writes nothing for a validate within a day of the activation', async () => {
    // Prepare
    const { license, device } = await activatedLicense(stack);
    stack.clock.advance(23 * HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(await lastSeen(license.key, device)).toBeUndefined();
  });

  it('records the first validate a day after the activation, then at most once a day', async () => {
    // Prepare
    const { license, device } = await activatedLicense(stack);
    stack.clock.advance(24 * HOUR + MINUTE);
    const firstSeen = stack.clock.now().toISOString();

    // Act
    await stack.post('/v1/validate', { licenseKey: license.key, instanceName: device });
    stack.clock.advance(6 * HOUR);
    await stack.post('/v1/validate', { licenseKey: license.key, instanceName: device });
    const afterSix = await lastSeen(license.key, device);
    stack.clock.advance(18 * HOUR);
    await stack.post('/v1/validate', { licenseKey: license.key, instanceName: device });

    // Assess
    expect(afterSix).toBe(firstSeen);
    expect(await lastSeen(license.key, device)).toBe(stack.clock.now().toISOString());
  });

  it('credits a validate naming no device to the license, never to a device', async () => {
    // Prepare: two devices; the shipped client validates with the key alone from either.
    const { license, first, second } = await twoDevices(stack);
    stack.clock.advance(25 * HOUR);
    const seenAt = stack.clock.now().toISOString();

    // Act
    await stack.post('/v1/validate', { licenseKey: license.key });
    stack.clock.advance(6 * HOUR);
    await stack.post('/v1/validate', { licenseKey: license.key });
    const listed = await stack.post('/v1/devices', { licenseKey: license.key });

    // Assess: the license was seen (once within the day); neither device is claimed to have been.
    const stored = await stack.deps.store.get(licenseHashOf(license.key));
    expect(stored?.licenseSeenAt).toBe(seenAt);
    expect(await lastSeen(license.key, first.instanceName)).toBeUndefined();
    expect(await lastSeen(license.key, second.instanceName)).toBeUndefined();
    expect(listed.body.license_last_seen_at).toBe(seenAt.replace(/\.\d{3}Z$/, 'Z'));
    expect(
      listed.body.devices.map((device: { last_seen_at: unknown }) => device.last_seen_at),
    ).toEqual([null, null]);
  });
});

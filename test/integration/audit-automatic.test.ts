import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import { RELEASE_SWEEP, releaseIdleDevices } from '#services/release-idle-devices.ts';
import { admin, auditItems } from '#test/helpers/admin.ts';
import { twoDevices, withReleaseAfter } from '#test/helpers/devices.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, deviceId, useTestStack } from '#test/helpers/test-stack.ts';
import { activeAgainEvent, deliver, eventFor } from '#test/helpers/webhook-events.ts';

describe('the audit trail of automatic actions that change money or seats', () => {
  const stack = useTestStack();
  /** The license's records, oldest first (the sort key starts with the time). */
  async function recordsOf(licenseKey: string) {
    const pk = `LICENSE#${licenseHashOf(licenseKey)}`;
    return (await auditItems(stack))
      .filter((item) => item.pk === pk)
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  }

  it('records the key a first activation issues, by the function that issued it, without its token', async () => {
    // Act
    const { license, token } = await activatedLicense(stack);

    // Assess
    const records = await recordsOf(license.key);
    expect(records).toEqual([
      expect.objectContaining({
        action: 'key.issue',
        actor: 'system:ravn-local',
        before: { aiKey: null },
        after: expect.objectContaining({ limit: 6, disabled: false }),
      }),
    ]);
    expect(JSON.stringify(records)).not.toContain(token);
    expect(JSON.stringify(records)).not.toContain(license.key);
  });

  it('records a revocation by webhook and the same key enabled again, never a second issue', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    stack.clock.advance(HOUR);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    await deliver(stack, eventFor(stack, 'license_key_updated', license));
    stack.clock.advance(HOUR);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });
    await deliver(stack, activeAgainEvent(stack, license));

    // Act
    await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    const records = await recordsOf(license.key);
    expect(records.map((record) => record.action)).toEqual([
      'key.issue',
      'key.revoke',
      'key.enable',
    ]);
    const [issued, revoked, enabled] = records;
    expect(revoked?.before).toMatchObject({
      aiKey: (issued?.after as { aiKey?: string } | undefined)?.aiKey,
    });
    expect(revoked?.after).toMatchObject({ disabled: true });
    expect(enabled?.after).toMatchObject({ disabled: false });
  });

  it('records the key of a SaaS trial', async () => {
    // Act
    const trial = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: `audit-${deviceId().slice(0, 8)}@example.com`,
    });

    // Assess
    expect(await recordsOf(trial.body.licenseKey)).toEqual([
      expect.objectContaining({ action: 'key.issue', detail: { trial: true } }),
    ]);
  });

  it('records a device released for being idle, with the seats before and after', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    stack.clock.advance(8 * DAY);
    await stack.deps.store.saveSweepCursor(RELEASE_SWEEP, undefined, new Date().toISOString());

    // Act
    await releaseIdleDevices(
      { ...stack.deps, products: withReleaseAfter(stack.deps.products, 7) },
      { maxReleases: 20, spacingMs: 0, maxPages: 1000, pageSize: 200 },
    );

    // Assess
    // Both devices were idle: two records, the seats going 2 → 1 → 0 in whichever order.
    const released = (await recordsOf(license.key)).filter(
      (record) => record.action === 'device.release',
    );
    expect(released).toHaveLength(2);
    expect(released).toContainEqual(
      expect.objectContaining({
        actor: 'system:ravn-local',
        before: expect.objectContaining({ device: first.instanceId, state: 'active' }),
        after: expect.objectContaining({ device: first.instanceId, state: 'deactivated' }),
      }),
    );
    const seats = released.map((record) => [
      (record.before as { seatsInUse: number }).seatsInUse,
      (record.after as { seatsInUse: number }).seatsInUse,
    ]);
    expect(seats.sort()).toEqual([
      [1, 0],
      [2, 1],
    ]);
  });

  it('shows an operator action and the automatic records it caused, each with its actor', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);

    // Act
    const rotated = await admin(stack, 'key rotate', { licenseKey: license.key, reason: 'test' });

    // Assess
    expect(rotated.status).toBe(200);
    const records = await recordsOf(license.key);
    expect(records.map((record) => [record.action, record.actor])).toEqual(
      expect.arrayContaining([
        ['key.rotate', 'local-token'],
        ['key.issue', 'system:ravn-local'],
      ]),
    );
  });
});

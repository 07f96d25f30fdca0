import { describe, expect, it } from 'vitest';
import { deviceSlotKey } from '#domain/device-slots.ts';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import type { NamedCall } from '#test/helpers/dynamodb-faults.ts';
import { storedDevices } from '#test/helpers/integrity-checks.ts';
import { SECOND } from '#test/helpers/manual-clock.ts';
import { deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';
import { storedLicense } from '#test/helpers/webhook-events.ts';

/**
 * Issue 21, finding 8: an activation is claim (`pending`) → LemonSqueezy activate → device write.
 * When the device write fails and so does the read that would decide whether to undo it, the seat
 * stays taken at LemonSqueezy and the claim pending here. The reconciler settles such claims once
 * their lease is over, whatever the license's stored status.
 */
describe('the reconciler: seats a dead activation took', () => {
  const stack = useTestStack({}, { faults: true });

  /** The device write fails, and every read after it, until the faults are cleared. */
  function breakAfterActivation() {
    let broken = false;
    stack.faults?.inject({
      kind: 'server',
      times: Number.POSITIVE_INFINITY,
      match: (call: NamedCall) => {
        if (call.name.includes('SET devices.<slot> = :slot')) broken = true;
        return broken && (call.operation === 'GetItem' || call.name.includes(':slot'));
      },
    });
  }

  it('frees the seat at LemonSqueezy and the claim here once its lease is over', async () => {
    // Prepare: one seat; the first device's activation dies after LemonSqueezy gave it the seat.
    const license = seedLicense(stack, 'saas', { activationLimit: 1 });
    const lost = deviceId();
    breakAfterActivation();
    const failed = await stack.post('/v1/activate', {
      instanceName: lost,
      licenseKey: license.key,
    });
    stack.faults?.clear();
    const seatsTaken = stack.lemonSqueezy.instances(license.key).map((seat) => seat.name);
    const slotsBefore = (await storedDevices(stack, license.key)).map((slot) => slot.state);
    stack.clock.advance(stack.deps.policy.activationLeaseMs + SECOND);
    await stack.deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, new Date().toISOString());

    // Act
    const summary = await reconcileLicenses(stack.deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      spacingMs: 0,
      orderSpacingMs: 0,
    });
    const other = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess: the seat is back (another device takes it), and the device change is given back.
    expect(failed.status).toBe(503);
    expect(seatsTaken).toEqual([lost]);
    expect(slotsBefore).toEqual(['pending']);
    expect(summary.claimsSettled).toBe(1);
    expect(other.status).toBe(200);
    expect(stack.lemonSqueezy.instances(license.key).map((seat) => seat.name)).not.toContain(lost);
    const stored = await storedLicense(stack, license);
    expect(Object.keys(stored?.newDevices ?? {})).not.toContain(deviceSlotKey(lost));
    expect((await storedDevices(stack, license.key)).map((slot) => slot.state)).toEqual(['active']);
  });

  it('leaves a claim alone while its lease runs (its holder may still be at work)', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas', { activationLimit: 1 });
    breakAfterActivation();
    await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key });
    stack.faults?.clear();
    await stack.deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, new Date().toISOString());

    // Act
    const summary = await reconcileLicenses(stack.deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      spacingMs: 0,
      orderSpacingMs: 0,
    });

    // Assess
    expect(summary.claimsSettled).toBe(0);
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(1);
    expect((await storedDevices(stack, license.key)).map((slot) => slot.state)).toEqual([
      'pending',
    ]);
  });
});

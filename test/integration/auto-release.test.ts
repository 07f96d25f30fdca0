import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import {
  DEFAULT_RELEASE_OPTIONS,
  RELEASE_SWEEP,
  type ReleaseOptions,
  releaseIdleDevices,
} from '#services/release-idle-devices.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { storedSlot, twoDevices, withReleaseAfter } from '#test/helpers/devices.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

const RELEASE_AFTER_DAYS = 7;

/** Tests run the sweep without pauses; the cap and the cursor are what they look at. */
const FAST: ReleaseOptions = { ...DEFAULT_RELEASE_OPTIONS, spacingMs: 0 };

describe('auto-release of idle devices (release_after_days)', () => {
  const stack = useTestStack();

  /** The sweep's claim of `device`, from a page that read it unseen since `seenBefore`. */
  function sweepClaim<D extends { instanceId: string; instanceName: string; activatedAt: Date }>(
    licenseKey: string,
    device: D,
    seenBefore: Date,
  ) {
    return stack.deps.store.claimDeactivation(
      licenseHashOf(licenseKey),
      { ...device, activatedAt: device.activatedAt.toISOString() },
      {
        claimId: 'sweep',
        claimedAt: stack.clock.now().toISOString(),
        staleBefore: new Date(0).toISOString(),
        unseenSince: seenBefore.toISOString(),
      },
    );
  }
  const deps = (): ServiceDeps => ({
    ...stack.deps,
    products: withReleaseAfter(stack.deps.products, RELEASE_AFTER_DAYS),
  });
  /** Each test walks the table from its start: an earlier test may have left the cursor anywhere. */
  async function sweep(options: ReleaseOptions = FAST, over: ServiceDeps = deps()) {
    await stack.deps.store.saveSweepCursor(RELEASE_SWEEP, undefined, new Date().toISOString());
    return releaseIdleDevices(over, options);
  }
  const heldAtLemonSqueezy = (licenseKey: string) =>
    stack.lemonSqueezy.snapshot(licenseKey).instances.map((instance) => instance.id);

  it('frees the seat of a device unseen past the plan limit and keeps the one in use', async () => {
    // Prepare: both activated; only `second` keeps validating.
    const { license, first, second } = await twoDevices(stack);
    for (let day = 0; day < RELEASE_AFTER_DAYS + 1; day += 1) {
      stack.clock.advance(DAY);
      await stack.post('/v1/validate', { licenseKey: license.key, instanceId: second.instanceId });
    }

    // Act
    const summary = await sweep();
    const validated = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceId: first.instanceId,
    });
    const kept = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceId: second.instanceId,
    });

    // Assess
    expect(summary).toMatchObject({ released: 1, wrapped: true });
    expect(summary.stoppedBy).toBeUndefined();
    expect(heldAtLemonSqueezy(license.key)).toEqual([second.instanceId]);
    const stored = await storedSlot(stack, license.key, first.instanceName);
    expect(stored.slot).toMatchObject({ state: 'deactivated', instanceId: first.instanceId });
    expect(stored.usage).toBe(1);
    expect([validated.status, validated.body.status, validated.body.code]).toEqual([
      200,
      'suspended',
      'DEVICE_DEACTIVATED',
    ]);
    expect([kept.status, kept.body.status]).toEqual([200, 'active']);
    expect(kept.body.ai_details).toBeDefined();
  });

  it('keeps every seat of a license whose validates name no device, while they go on', async () => {
    // Prepare: the shipped client's validates carry the key alone, so they cannot tell which
    // device is in use; both devices validate daily that way.
    const { license, first, second } = await twoDevices(stack);
    for (let day = 0; day < RELEASE_AFTER_DAYS + 1; day += 1) {
      stack.clock.advance(DAY);
      await stack.post('/v1/validate', { licenseKey: license.key });
    }

    // Act
    await sweep();
    const answer = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(heldAtLemonSqueezy(license.key).sort()).toEqual(
      [first.instanceId, second.instanceId].sort(),
    );
    expect((await storedSlot(stack, license.key, first.instanceName)).slot).toMatchObject({
      state: 'active',
    });
    expect([answer.status, answer.body.status]).toEqual([200, 'active']);
  });

  it('frees them all once the unnamed validates stop for release_after_days too', async () => {
    // Prepare
    const { license } = await twoDevices(stack);
    stack.clock.advance(2 * DAY);
    await stack.post('/v1/validate', { licenseKey: license.key });
    stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);

    // Act
    await sweep();

    // Assess
    expect(heldAtLemonSqueezy(license.key)).toEqual([]);
  });

  it('lets a released device activate again, on a new instance', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);
    await sweep();

    // Act
    const again = await stack.post('/v1/activate', {
      licenseKey: license.key,
      instanceName: first.instanceName,
    });

    // Assess
    expect(again.status).toBe(200);
    expect(again.body.instanceId).not.toBe(first.instanceId);
    expect(heldAtLemonSqueezy(license.key)).toContain(again.body.instanceId);
  });

  it('frees nothing on a plan without release_after_days (the default)', async () => {
    // Prepare
    const { license } = await twoDevices(stack);
    stack.clock.advance(100 * DAY);
    const deactivations = stack.lemonSqueezy.callCount('deactivate');

    // Act
    const summary = await sweep(FAST, stack.deps);

    // Assess
    expect(summary.released).toBe(0);
    expect(stack.lemonSqueezy.callCount('deactivate')).toBe(deactivations);
    expect(heldAtLemonSqueezy(license.key)).toHaveLength(2);
  });

  it('leaves the seats of a key stored as disabled alone (LemonSqueezy would refuse)', async () => {
    // Prepare
    const { license, first } = await twoDevices(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(25 * HOUR);
    await stack.post('/v1/validate', { licenseKey: license.key }); // stores the status
    stack.clock.advance(RELEASE_AFTER_DAYS * DAY);

    // Act
    await sweep();

    // Assess: other tests' idle devices may be freed; none of this key's.
    expect(heldAtLemonSqueezy(license.key)).toHaveLength(2);
    expect((await storedSlot(stack, license.key, first.instanceName)).slot).toMatchObject({
      state: 'active',
    });
  });

  it('stops at the per-run cap and the next runs go on from where it stopped', async () => {
    // Prepare: six idle devices on three licenses; at most two releases a run, one item a page.
    const licenses = [await twoDevices(stack), await twoDevices(stack), await twoDevices(stack)];
    stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);
    const calls = stack.lemonSqueezy.callCount('deactivate');
    const capped: ReleaseOptions = { ...FAST, maxReleases: 2, pageSize: 1, maxPages: 10_000 };

    // Act
    const first = await sweep(capped);
    const afterFirst = stack.lemonSqueezy.callCount('deactivate') - calls;
    const runs = [first];
    while (runs.length < 20 && !runs.at(-1)?.wrapped) {
      runs.push(await releaseIdleDevices(deps(), capped));
    }

    // Assess
    expect(first).toMatchObject({ released: 2, stoppedBy: 'cap', wrapped: false });
    expect(afterFirst).toBe(2);
    expect(runs.every((run) => run.released <= 2)).toBe(true);
    expect(runs.at(-1)?.wrapped).toBe(true);
    for (const { license } of licenses) expect(heldAtLemonSqueezy(license.key)).toEqual([]);
  });

  it.each([
    ['deactivation', 'deactivate'],
    ['key read', 'license-keys'],
  ] as const)(
    'stops when LemonSqueezy fails a %s, keeps the device, and the next run frees it',
    async (_label, route) => {
      // Prepare
      const { license, first } = await twoDevices(stack);
      stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);
      stack.lemonSqueezy.faults.inject(route, { kind: 'status', status: 500 });

      // Act
      const failed = await sweep();
      const held = heldAtLemonSqueezy(license.key);
      const slot = (await storedSlot(stack, license.key, first.instanceName)).slot;
      const retried = await releaseIdleDevices(deps(), FAST);

      // Assess
      expect(failed.stoppedBy).toBe('upstream');
      expect(held).toHaveLength(2);
      expect(slot).toMatchObject({ state: 'active', instanceId: first.instanceId });
      expect(slot).not.toHaveProperty('deactivation');
      expect(retried.released).toBeGreaterThanOrEqual(2);
      expect(heldAtLemonSqueezy(license.key)).toEqual([]);
    },
  );

  it('frees a seat once when a customer deactivates it at the same moment', async () => {
    // Prepare: earlier tests' devices go idle and are freed first, so the count is this key's.
    stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);
    await sweep();
    const { license, first, second } = await twoDevices(stack);
    stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);
    const calls = stack.lemonSqueezy.callCount('deactivate');

    // Act
    const [, customer] = await Promise.all([
      sweep(),
      stack.post('/v1/deactivate', { licenseKey: license.key, instanceId: first.instanceId }),
    ]);

    // Assess: two devices, two deactivations; never a second one for `first`.
    expect(customer.status).toBe(200);
    expect(stack.lemonSqueezy.callCount('deactivate') - calls).toBe(2);
    expect(heldAtLemonSqueezy(license.key)).toEqual([]);
    expect((await storedSlot(stack, license.key, second.instanceName)).usage).toBe(0);
  });

  it('never claims a device seen since the sweep read it', async () => {
    // Prepare: the sweep's page says idle, then the device calls in.
    const { license, first } = await twoDevices(stack);
    stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);
    const seenBefore = new Date(stack.clock.now().getTime() - RELEASE_AFTER_DAYS * DAY);
    await stack.post('/v1/validate', { licenseKey: license.key, instanceId: first.instanceId });

    // Act
    const claimed = await sweepClaim(license.key, first, seenBefore);

    // Assess
    expect(claimed).toBe(false);
  });
  it('never claims a device of a license seen (without a device name) since the sweep read it', async () => {
    // Prepare: the sweep's page says idle, then the shipped client validates with the key alone.
    const { license, first } = await twoDevices(stack);
    stack.clock.advance((RELEASE_AFTER_DAYS + 1) * DAY);
    const seenBefore = new Date(stack.clock.now().getTime() - RELEASE_AFTER_DAYS * DAY);
    await stack.post('/v1/validate', { licenseKey: license.key });

    // Act
    const claimed = await sweepClaim(license.key, first, seenBefore);

    // Assess
    expect(claimed).toBe(false);
  });
});

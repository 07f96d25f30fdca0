import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  type ReconcileOptions,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { storedSlot, twoDevices } from '#test/helpers/devices.ts';
import { deactivateAtLemonSqueezy } from '#test/helpers/integrity-checks.ts';
import { DAY } from '#test/helpers/manual-clock.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

/** Tests run without pauses; what they look at is what each run confirmed and changed. */
const FAST: ReconcileOptions = { ...DEFAULT_RECONCILE_OPTIONS, spacingMs: 0, orderSpacingMs: 0 };

describe('the reconciler: lost webhooks caught for licenses that stopped validating', () => {
  const stack = useTestStack();
  /** Each test walks the table from its start: an earlier one may have left the cursor anywhere. */
  async function reconcile(options: ReconcileOptions = FAST) {
    await stack.deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, new Date().toISOString());
    return reconcileLicenses(stack.deps, options);
  }
  const stored = (licenseKey: string) => stack.deps.store.get(licenseHashOf(licenseKey));
  const liveKeys = (licenseKey: string) =>
    stack.openRouter.liveKeys().filter((key) => key.name.includes(licenseHashOf(licenseKey)));

  it('disables the AI key of a license LemonSqueezy disabled without telling us', async () => {
    // Prepare: the webhook is lost, and the client never validates again.
    const { license } = await twoDevices(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(2 * DAY);
    const before = liveKeys(license.key);

    // Act
    const summary = await reconcile();

    // Assess
    expect(before).toHaveLength(1);
    expect(summary.confirmed).toBeGreaterThanOrEqual(1);
    expect(summary.keysRevoked).toBeGreaterThanOrEqual(1);
    expect((await stored(license.key))?.status).toBe('disabled');
    expect(liveKeys(license.key)).toEqual([]);
  });

  it('frees the slots of seats freed in LemonSqueezy dashboard (I3)', async () => {
    // Prepare
    const { license, first, second } = await twoDevices(stack);
    await deactivateAtLemonSqueezy(stack, license.key, first.instanceId);
    stack.clock.advance(2 * DAY);

    // Act
    await reconcile();

    // Assess
    expect((await storedSlot(stack, license.key, first.instanceName)).slot).toMatchObject({
      state: 'deactivated',
    });
    expect((await storedSlot(stack, license.key, second.instanceName)).slot).toMatchObject({
      state: 'active',
    });
    expect(liveKeys(license.key)).toHaveLength(1);
  });

  it('asks nothing about a license confirmed within the last day', async () => {
    // Prepare: everything older is confirmed first; this license is confirmed now.
    stack.clock.advance(2 * DAY);
    await reconcile();
    const { license } = await twoDevices(stack);
    const checkedAt = (await stored(license.key))?.statusCheckedAt;
    const calls = stack.lemonSqueezy.callCount('validate');

    // Act
    const summary = await reconcile();

    // Assess
    expect(summary.confirmed).toBe(0);
    expect(stack.lemonSqueezy.callCount('validate')).toBe(calls);
    expect((await stored(license.key))?.statusCheckedAt).toBe(checkedAt);
  });

  it('stops at the first LemonSqueezy failure, changes nothing, and the next run goes on', async () => {
    // Prepare
    const { license } = await twoDevices(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(2 * DAY);
    stack.lemonSqueezy.faults.inject('validate', { kind: 'status', status: 500 });

    const counted: Array<[string, unknown]> = [];
    const metrics: ServiceMetrics = {
      count: (name, ...dimensions) => {
        counted.push([name, dimensions[0]]);
      },
      usd: () => undefined,
    };
    const recording: ServiceDeps = { ...stack.deps, metrics };

    // Act
    await stack.deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, new Date().toISOString());
    const failed = await reconcileLicenses(recording, FAST);
    const afterFailure = (await stored(license.key))?.status;
    const retried = await reconcileLicenses(recording, FAST);

    // Assess
    expect(failed.stoppedBy).toBe('upstream');
    // The summary's counts are metrics too: the stop, and each license confirmed.
    expect(counted).toContainEqual([
      'SweepsStopped',
      { Sweep: RECONCILE_SWEEP, Reason: 'upstream' },
    ]);
    expect(counted.filter(([name]) => name === 'LicensesReconciled')).toHaveLength(
      retried.confirmed,
    );
    expect(afterFailure).toBe('active');
    expect(retried.stoppedBy).toBeUndefined();
    expect((await stored(license.key))?.status).toBe('disabled');
    expect(liveKeys(license.key)).toEqual([]);
  });

  it('confirms at most maxLicenses a run and resumes from its cursor', async () => {
    // Prepare: three silent licenses.
    stack.clock.advance(2 * DAY);
    await reconcile();
    const licenses = [await twoDevices(stack), await twoDevices(stack), await twoDevices(stack)];
    stack.clock.advance(2 * DAY);
    const capped: ReconcileOptions = { ...FAST, maxLicenses: 1, pageSize: 1, maxPages: 10_000 };

    // Act
    const runs = [await reconcile(capped)];
    while (runs.length < 30 && !runs.at(-1)?.wrapped) {
      runs.push(await reconcileLicenses(stack.deps, capped));
    }

    // Assess
    expect(runs[0]).toMatchObject({ confirmed: 1, stoppedBy: 'cap' });
    expect(runs.every((run) => run.confirmed <= 1)).toBe(true);
    expect(runs.at(-1)?.wrapped).toBe(true);
    const now = stack.clock.now().getTime();
    for (const { license } of licenses) {
      const checkedAt = Date.parse((await stored(license.key))?.statusCheckedAt ?? '');
      expect(now - checkedAt).toBeLessThan(DAY);
    }
  });
});

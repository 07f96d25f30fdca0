import { describe, expect, it } from 'vitest';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  type ReconcileOptions,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import { twoDevices } from '#test/helpers/devices.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver, eventFor, keyOf, storedLicense, validate } from '#test/helpers/webhook-events.ts';

/** Tests run without pauses; what they look at is what each run read and changed. */
const FAST: ReconcileOptions = { ...DEFAULT_RECONCILE_OPTIONS, spacingMs: 0, orderSpacingMs: 0 };

/** A run over the whole table: an earlier test may have left the cursor anywhere. */
async function reconcile(stack: TestStack) {
  await stack.deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, new Date().toISOString());
  return reconcileLicenses(stack.deps, FAST);
}

/**
 * What a refunded license answers and holds, leaving out what differs per license (its key,
 * device, lease): its validate's verdict, its AI key, its refund.
 */
async function refundState(stack: TestStack, license: SeededLicense, token: string) {
  const { status, body } = await validate(stack, license);
  const stored = await storedLicense(stack, license);
  return {
    status,
    verdict: [body.status, body.code, body.message, body.ai_details, body.entitlements],
    keyDisabled: keyOf(stack, token)?.disabled,
    refundedAt: stored?.refundedAt,
  };
}

describe('the reconciler: order refunds no webhook brought', () => {
  const stack = useTestStack();

  it('refunds a license whose order_refunded was lost, exactly as the webhook would have', async () => {
    // Prepare: two licenses refunded at LemonSqueezy at the same instant; one webhook arrives,
    // the other is lost, and a status refresh does not see the refund (the key stays active).
    const lost = await activatedLicense(stack);
    const delivered = await activatedLicense(stack);
    stack.clock.advance(HOUR);
    stack.lemonSqueezy.refundOrder(lost.license.orderId);
    stack.lemonSqueezy.refundOrder(delivered.license.orderId);
    const refundedAt = stack.clock.now().toISOString();
    const webhook = await deliver(
      stack,
      eventFor(stack, 'order_refunded', delivered.license, {
        'data.attributes.refunded_at': refundedAt,
      }),
    );
    stack.clock.advance(2 * DAY);
    const refreshed = await validate(stack, lost.license);

    // Act
    const summary = await reconcile(stack);

    // Assess
    expect(webhook.body?.outcome).toBe('applied');
    expect([refreshed.status, refreshed.body.status]).toEqual([200, 'active']);
    expect(summary.refundsRecovered).toBe(1);
    expect(summary.stoppedBy).toBeUndefined();
    const recovered = await refundState(stack, lost.license, lost.token);
    expect(recovered).toMatchObject({ status: 200, keyDisabled: true, refundedAt });
    expect(recovered.verdict.slice(0, 2)).toEqual(['suspended', 'LICENSE_DISABLED']);
    expect(recovered).toEqual(await refundState(stack, delivered.license, delivered.token));
  });

  it('changes nothing for an order paid, partly refunded or unknown, and reads it again only a week later', async () => {
    // Prepare
    const paid = await activatedLicense(stack);
    const partial = await activatedLicense(stack);
    stack.lemonSqueezy.refundOrder(partial.license.orderId, 300);
    await reconcile(stack);
    const unknown = await activatedLicense(stack);
    stack.lemonSqueezy.faults.inject('orders', { kind: 'status', status: 404 });
    await reconcile(stack);
    const reads = stack.lemonSqueezy.callCount('orders');

    // Act
    stack.clock.advance(6 * DAY);
    const withinWeek = await reconcile(stack);
    const readsWithinWeek = stack.lemonSqueezy.callCount('orders') - reads;
    stack.clock.advance(DAY);
    const weekLater = await reconcile(stack);

    // Assess
    for (const { license, token } of [paid, partial, unknown]) {
      expect(keyOf(stack, token)?.disabled).toBe(false);
      expect((await validate(stack, license)).status).toBe(200);
      expect((await storedLicense(stack, license))?.refundedAt).toBeUndefined();
    }
    expect([withinWeek.ordersChecked, readsWithinWeek]).toEqual([0, 0]);
    expect(weekLater.ordersChecked).toBeGreaterThanOrEqual(3);
    expect(weekLater.refundsRecovered).toBe(0);
  });

  it('writes nothing when LemonSqueezy fails the order read, goes on with the run, and recovers next run', async () => {
    // Prepare: a refund to recover, and a key LemonSqueezy disabled that the same run revokes.
    const refunded = await activatedLicense(stack);
    stack.lemonSqueezy.refundOrder(refunded.license.orderId);
    const { license: disabled } = await twoDevices(stack);
    stack.lemonSqueezy.updateLicense(disabled.key, { status: 'disabled' });
    stack.clock.advance(8 * DAY);
    stack.lemonSqueezy.faults.inject(
      'orders',
      { kind: 'status', status: 429 },
      { times: Number.POSITIVE_INFINITY },
    );

    // Act
    const failed = await reconcile(stack);
    const afterFailure = await storedLicense(stack, refunded.license);
    stack.lemonSqueezy.faults.clear('orders');
    const keyAfterFailure = keyOf(stack, refunded.token)?.disabled;
    const next = await reconcile(stack);

    // Assess
    expect(failed).toMatchObject({ orderChecksStopped: 'upstream', refundsRecovered: 0 });
    expect(failed.stoppedBy).toBeUndefined();
    expect(failed.wrapped).toBe(true);
    expect(keyAfterFailure).toBe(false);
    expect(afterFailure?.refundedAt).toBeUndefined();
    expect(afterFailure?.orderCheckedAt).toBeUndefined();
    expect((await storedLicense(stack, disabled))?.status).toBe('disabled');
    expect(next.refundsRecovered).toBe(1);
    expect(keyOf(stack, refunded.token)?.disabled).toBe(true);
    expect((await validate(stack, refunded.license)).body.code).toBe('LICENSE_DISABLED');
  });
});

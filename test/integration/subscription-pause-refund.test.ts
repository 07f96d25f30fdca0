import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '#local/manual-clock.ts';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import {
  activate,
  keysOfLicense,
  PLAN_CREDIT_USD,
  payAtLemonSqueezy,
} from '#test/helpers/subscription-money.ts';
import { seedLicense, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';
import {
  deliver,
  keyOf,
  paymentEventFor,
  storedLicense,
  subscriptionEventFor,
  validate,
} from '#test/helpers/webhook-events.ts';

/** A SaaS license whose subscription renews in 20 days, activated on one device. */
async function activatedSubscription(stack: TestStack) {
  const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
  const license = seedLicense(stack, 'saas', { subscription: { status: 'active', renewsAt } });
  const response = await activate(stack, license);
  return { license, renewsAt, token: response.body.ai_details.token as string };
}

/** The renewal at `boundary`: paid at the double, its payment event delivered; the new end. */
async function renew(
  stack: TestStack,
  license: SeededLicense,
  boundary: string,
  invoiceId: string,
) {
  stack.clock.set(new Date(Date.parse(boundary) + HOUR));
  const renewsAt = payAtLemonSqueezy(stack, license, boundary);
  await deliver(
    stack,
    paymentEventFor(stack, 'subscription_payment_success', license, {
      invoiceId,
      billedAt: boundary,
    }),
  );
  return renewsAt;
}

function pause(stack: TestStack, license: SeededLicense, mode: string | null) {
  stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
    status: 'paused',
    pause: { mode, resumesAt: null },
  });
  return deliver(stack, subscriptionEventFor(stack, 'subscription_paused', license));
}

describe('paused subscriptions', () => {
  const stack = useTestStack();

  it('a free pause keeps the license usable with its current key', async () => {
    // Prepare
    const { license, token } = await activatedSubscription(stack);

    // Act
    await pause(stack, license, 'free');
    const validated = await validate(stack, license);

    // Assess
    expect([validated.status, validated.body.status]).toEqual([200, 'active']);
    expect(validated.body.ai_details.token).toBe(token);
    expect(keyOf(stack, token)?.disabled).toBe(false);
  });

  it('a free pause issues no new credit once the period ends: active, AI_CREDIT_PENDING', async () => {
    // Prepare
    const { license, renewsAt } = await activatedSubscription(stack);
    await pause(stack, license, 'free');

    // Act
    stack.clock.set(new Date(Date.parse(renewsAt) + HOUR));
    const validated = await validate(stack, license);

    // Assess
    expect([validated.status, validated.body.status, validated.body.code]).toEqual([
      200,
      'active',
      'AI_CREDIT_PENDING',
    ]);
    expect(validated.body).not.toHaveProperty('ai_details');
    expect(keysOfLicense(stack, license)).toHaveLength(1);
  });

  it.each([['void'], ['some-future-mode'], [null]])(
    'a pause with mode %s stays refused: suspended, LICENSE_INACTIVE, key disabled',
    async (mode) => {
      // Prepare
      const { license, token } = await activatedSubscription(stack);

      // Act
      await pause(stack, license, mode);
      const validated = await validate(stack, license);

      // Assess
      expect([validated.status, validated.body.status, validated.body.code]).toEqual([
        200,
        'suspended',
        'LICENSE_INACTIVE',
      ]);
      expect(keyOf(stack, token)?.disabled).toBe(true);
    },
  );
});

describe('refunded subscription payments (subscription_payment_refunded)', () => {
  const stack = useTestStack();

  it('withdraws the credit of the period it paid for: key disabled, no replacement, the license stays active', async () => {
    // Prepare
    const { license, renewsAt } = await activatedSubscription(stack);
    const nextEnd = await renew(stack, license, renewsAt, 'inv-2');
    const renewed = await validate(stack, license);
    stack.clock.advance(DAY);

    // Act
    const refunded = await deliver(
      stack,
      paymentEventFor(stack, 'subscription_payment_refunded', license, {
        invoiceId: 'inv-2',
        billedAt: renewsAt,
      }),
    );
    const validated = await validate(stack, license);

    // Assess
    expect(refunded.body?.outcome).toBe('applied');
    expect(keyOf(stack, renewed.body.ai_details.token)?.disabled).toBe(true);
    expect([validated.status, validated.body.status, validated.body.code]).toEqual([
      200,
      'active',
      'AI_CREDIT_REFUNDED',
    ]);
    expect(validated.body).not.toHaveProperty('ai_details');
    expect(validated.body.entitlements.length).toBeGreaterThan(0);
    const period = keysOfLicense(stack, license).filter((key) =>
      key.name.endsWith(nextEnd.slice(0, 10)),
    );
    expect(period).toHaveLength(1);
  });

  it('the next paid period gets its full credit again', async () => {
    // Prepare
    const { license, renewsAt } = await activatedSubscription(stack);
    const nextEnd = await renew(stack, license, renewsAt, 'inv-2');
    await deliver(
      stack,
      paymentEventFor(stack, 'subscription_payment_refunded', license, {
        invoiceId: 'inv-2',
        billedAt: renewsAt,
      }),
    );

    // Act
    const thirdEnd = await renew(stack, license, nextEnd, 'inv-3');
    const validated = await validate(stack, license);

    // Assess
    expect(validated.body.ai_details.limit).toBe(PLAN_CREDIT_USD);
    expect(Date.parse(validated.body.ai_details.expires_at)).toBe(Date.parse(thirdEnd));
  });

  it("a refund of an earlier period's invoice leaves the current period's key alone", async () => {
    // Prepare
    const { license, renewsAt } = await activatedSubscription(stack);
    const firstBilled = stack.clock.now().toISOString();
    await renew(stack, license, renewsAt, 'inv-2');
    const renewed = await validate(stack, license);

    // Act
    await deliver(
      stack,
      paymentEventFor(stack, 'subscription_payment_refunded', license, {
        invoiceId: 'inv-1',
        billedAt: firstBilled,
      }),
    );
    const validated = await validate(stack, license);

    // Assess
    expect(validated.body.ai_details.token).toBe(renewed.body.ai_details.token);
    expect(keyOf(stack, renewed.body.ai_details.token)?.disabled).toBe(false);
  });

  it('a partial refund changes nothing', async () => {
    // Prepare
    const { license, token } = await activatedSubscription(stack);
    const event = paymentEventFor(stack, 'subscription_payment_refunded', license, {
      invoiceId: 'inv-1',
      billedAt: stack.clock.now().toISOString(),
    });
    event.data.attributes.refunded = false;
    event.data.attributes.status = 'partial_refund';

    // Act
    await deliver(stack, event);
    const validated = await validate(stack, license);

    // Assess
    expect(validated.body.ai_details.token).toBe(token);
    expect((await storedLicense(stack, license))?.refundedPayments).toBeUndefined();
  });

  it('a refund delivered twice is recorded once', async () => {
    // Prepare
    const { license, token } = await activatedSubscription(stack);
    const billedAt = stack.clock.now().toISOString();
    const first = paymentEventFor(stack, 'subscription_payment_refunded', license, {
      invoiceId: 'inv-1',
      billedAt,
    });

    // Act
    await deliver(stack, first);
    await deliver(stack, { ...first, meta: { ...first.meta, webhook_id: 'another-delivery' } });

    // Assess
    const stored = await storedLicense(stack, license);
    expect(stored?.refundedPayments?.map((refund) => refund.invoiceId)).toEqual(['inv-1']);
    expect(keyOf(stack, token)?.disabled).toBe(true);
  });
});

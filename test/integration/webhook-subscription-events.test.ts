import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, startTestStack, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver, eventFor, keyOf, storedLicense, validate } from '#test/helpers/webhook-events.ts';

describe('POST /v1/webhook: subscription, payment and refund events', () => {
  const stack = useTestStack();

  it('subscription_cancelled keeps access until ends_at, then the license has expired', async () => {
    // Prepare
    const local = await startTestStack();
    const { license } = await activatedLicense(local);
    const endsAt = new Date(local.clock.now().getTime() + 5 * DAY).toISOString();

    // Act
    await deliver(
      local,
      eventFor(local, 'subscription_cancelled', license, {
        'data.attributes.ends_at': endsAt,
        'data.attributes.renews_at': endsAt,
      }),
    );
    const during = await validate(local, license);
    local.clock.advance(5 * DAY + HOUR);
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'expired' });
    const after = await validate(local, license);

    // Assess
    expect(during.status).toBe(200);
    expect([after.status, after.body.status, after.body.code]).toEqual([
      200,
      'expired',
      'LICENSE_EXPIRED',
    ]);
    await local.close();
  });

  it.each([
    ['subscription_expired', 'expired', 'LICENSE_EXPIRED'],
    ['subscription_paused', 'suspended', 'LICENSE_INACTIVE'],
  ])(
    '%s ends access: the key is disabled at once and validate answers %s (%s)',
    async (name, status, code) => {
      // Prepare
      const { license, token } = await activatedLicense(stack);

      // Act
      const response = await deliver(stack, eventFor(stack, name, license));
      const validated = await validate(stack, license);

      // Assess
      expect(response.body?.outcome).toBe('applied');
      expect(keyOf(stack, token)?.disabled).toBe(true);
      expect([validated.status, validated.body.status, validated.body.code]).toEqual([
        200,
        status,
        code,
      ]);
      expect(validated.body).not.toHaveProperty('ai_details');
    },
  );

  it.each([
    ['subscription_paused', 'subscription_unpaused'],
    ['subscription_cancelled', 'subscription_resumed'],
  ])('%s then %s restores access', async (first, second) => {
    // Prepare
    const { license } = await activatedLicense(stack);
    const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
    await deliver(
      stack,
      eventFor(stack, first, license, {
        'data.attributes.ends_at': stack.clock.now().toISOString(),
      }),
    );
    stack.clock.advance(HOUR);

    // Act
    await deliver(
      stack,
      eventFor(stack, second, license, { 'data.attributes.renews_at': renewsAt }),
    );
    const validated = await validate(stack, license);

    // Assess
    expect(validated.status).toBe(200);
    expect(validated.body.ai_details.limit).toBe(6);
  });

  it('subscription_payment_success records the paid period so the next validate rotates with fresh credits', async () => {
    // Prepare
    const local = await startTestStack();
    const { license, token } = await activatedLicense(local);
    const nextRenewal = new Date(local.clock.now().getTime() + 50 * DAY).toISOString();
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { renewsAt: nextRenewal });

    // Act
    const paid = await deliver(local, eventFor(local, 'subscription_payment_success', license));
    local.clock.advance(20 * DAY + HOUR);
    const validated = await validate(local, license);

    // Assess
    expect(paid.body?.outcome).toBe('applied');
    expect(validated.status).toBe(200);
    expect(validated.body.ai_details.token).not.toBe(token);
    expect(new Date(validated.body.ai_details.expires_at).toISOString()).toBe(nextRenewal);
    await local.close();
  });

  it.each([
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['a timeout', { kind: 'timeout' }],
    ['a connection reset', { kind: 'reset' }],
  ] as const)(
    'answers 503 when LemonSqueezy fails (%s) while a payment is applied, and the retry stores the period',
    async (_label, fault) => {
      // Prepare
      const { license } = await activatedLicense(stack);
      const nextRenewal = new Date(stack.clock.now().getTime() + 50 * DAY).toISOString();
      stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { renewsAt: nextRenewal });
      // Each invoice has its own id: the same id and time would be one event, deduplicated.
      const body = eventFor(stack, 'subscription_payment_success', license, {
        'data.id': `inv-${license.id}`,
      });
      stack.lemonSqueezy.faults.inject('subscriptions', fault);

      // Act
      const failed = await deliver(stack, body);
      const retried = await deliver(stack, body);

      // Assess
      expect([failed.status, failed.body?.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
      expect([retried.status, retried.body?.outcome]).toEqual([200, 'applied']);
      const stored = await storedLicense(stack, license);
      expect(
        new Date(
          (stored?.subscription as { renewsAt?: string } | undefined)?.renewsAt ?? 0,
        ).toISOString(),
      ).toBe(nextRenewal);
    },
  );

  it.each(['subscription_payment_failed', 'subscription_payment_refunded'])(
    '%s is recorded',
    async (name) => {
      // Prepare
      const { license } = await activatedLicense(stack);

      // Act
      const response = await deliver(stack, eventFor(stack, name, license));

      // Assess
      expect(response.body?.outcome).toBe('applied');
      expect((await storedLicense(stack, license))?.lastPayment).toMatchObject({
        status: name.replace('subscription_payment_', ''),
      });
    },
  );

  it('order_refunded in full revokes AI access; a partial refund changes nothing', async () => {
    // Prepare
    const full = await activatedLicense(stack);
    const partial = await activatedLicense(stack);

    // Act
    const fullResponse = await deliver(stack, eventFor(stack, 'order_refunded', full.license));
    const partialResponse = await deliver(
      stack,
      eventFor(stack, 'order_refunded', partial.license, {
        'data.attributes.refunded': false,
        'data.attributes.status': 'paid',
      }),
    );

    // Assess
    expect([fullResponse.body?.outcome, partialResponse.body?.outcome]).toEqual([
      'applied',
      'ignored',
    ]);
    expect(keyOf(stack, full.token)?.disabled).toBe(true);
    expect((await validate(stack, full.license)).body.code).toBe('LICENSE_DISABLED');
    expect(keyOf(stack, partial.token)?.disabled).toBe(false);
    expect((await validate(stack, partial.license)).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { licenseHashOf } from '../../lambda/domain/secrets.ts';
import type { SeededLicense } from '../../lambda/local/sandbox/lemonsqueezy-double.ts';
import { DAY, HOUR } from '../helpers/manual-clock.ts';
import { deviceId, seedLicense, startTestStack, type TestStack } from '../helpers/test-stack.ts';
import { deliver, eventFor } from '../helpers/webhook-events.ts';

describe('POST /v1/webhook events', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  /** A SaaS subscription license activated on one device, with its OpenRouter key. */
  async function activated(on: TestStack = stack) {
    const renewsAt = new Date(on.clock.now().getTime() + 20 * DAY).toISOString();
    const license = seedLicense(on, 'saas', { subscription: { status: 'active', renewsAt } });
    const response = await on.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    expect(response.status).toBe(200);
    return { license, token: response.body.ai_details.token as string };
  }

  /** `hours` after the stack's clock, as LemonSqueezy writes times. */
  function later(hours: number): string {
    return new Date(stack.clock.now().getTime() + hours * HOUR).toISOString().replace('Z', '000Z');
  }

  function keyOf(on: TestStack, token: string) {
    return on.openRouter.keys().find((key) => key.key === token);
  }

  async function stored(on: TestStack, license: SeededLicense) {
    return (await on.items()).find(
      (item) => item.sk === 'LICENSE' && item.licenseHash === licenseHashOf(license.key),
    );
  }

  async function validate(license: SeededLicense, on: TestStack = stack) {
    return on.post('/v1/validate', { licenseKey: license.key });
  }

  it('license_key_created records the license without any OpenRouter call', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const creates = stack.openRouter.callCount('create');

    // Act
    const response = await deliver(stack, eventFor(stack, 'license_key_created', license));

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    expect(await stored(stack, license)).toMatchObject({
      status: 'inactive',
      customerName: 'Jane Doe',
      customerEmail: 'jane@example.com',
      provider: { licenseId: license.id, orderId: license.orderId, activationLimit: 3 },
      plan: { aiMode: 'saas', creditsUsd: 6 },
    });
    expect(stack.openRouter.callCount('create')).toBe(creates);
    expect((await validate(license)).body.code).toBe('LICENSE_NOT_FOUND');
    const activation = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    expect(activation.status).toBe(200);
  });

  it('license_key_updated to disabled disables the key at once and the next validate answers 403', async () => {
    // Prepare
    const { license, token } = await activated();
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });

    // Act
    const response = await deliver(stack, eventFor(stack, 'license_key_updated', license));
    const validated = await validate(license);

    // Assess
    expect(response.body?.outcome).toBe('applied');
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect((await stored(stack, license))?.ai).toBeUndefined();
    expect([validated.status, validated.body.code]).toEqual([403, 'LICENSE_DISABLED']);
  });

  it('issues a key for the current period again once the license is usable again', async () => {
    // Prepare
    const { license, token } = await activated();
    await deliver(stack, eventFor(stack, 'license_key_updated', license));
    stack.clock.advance(HOUR);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });

    // Act
    await deliver(
      stack,
      eventFor(stack, 'license_key_updated', license, {
        'data.attributes.status': 'active',
        'data.attributes.disabled': 0,
      }),
    );
    const validated = await validate(license);

    // Assess
    expect(validated.status).toBe(200);
    expect(validated.body.ai_details.token).not.toBe(token);
    expect(keyOf(stack, validated.body.ai_details.token)?.disabled).toBe(false);
  });

  it('subscription_cancelled keeps access until ends_at, then the license has expired', async () => {
    // Prepare
    const local = await startTestStack();
    const { license } = await activated(local);
    const endsAt = new Date(local.clock.now().getTime() + 5 * DAY).toISOString();

    // Act
    await deliver(
      local,
      eventFor(local, 'subscription_cancelled', license, {
        'data.attributes.ends_at': endsAt,
        'data.attributes.renews_at': endsAt,
      }),
    );
    const during = await validate(license, local);
    local.clock.advance(5 * DAY + HOUR);
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'expired' });
    const after = await validate(license, local);

    // Assess
    expect(during.status).toBe(200);
    expect([after.status, after.body.code]).toEqual([403, 'LICENSE_EXPIRED']);
    await local.close();
  });

  it.each([
    ['subscription_expired', 'LICENSE_EXPIRED'],
    ['subscription_paused', 'LICENSE_INACTIVE'],
  ])('%s ends access: the key is disabled at once and validate answers %s', async (name, code) => {
    // Prepare
    const { license, token } = await activated();

    // Act
    const response = await deliver(stack, eventFor(stack, name, license));
    const validated = await validate(license);

    // Assess
    expect(response.body?.outcome).toBe('applied');
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect([validated.status, validated.body.code]).toEqual([403, code]);
  });

  it.each([
    ['subscription_paused', 'subscription_unpaused'],
    ['subscription_cancelled', 'subscription_resumed'],
  ])('%s then %s restores access', async (first, second) => {
    // Prepare
    const { license } = await activated();
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
    const validated = await validate(license);

    // Assess
    expect(validated.status).toBe(200);
    expect(validated.body.ai_details.limit).toBe(6);
  });

  it('subscription_payment_success records the paid period so the next validate rotates with fresh credits', async () => {
    // Prepare
    const local = await startTestStack();
    const { license, token } = await activated(local);
    const nextRenewal = new Date(local.clock.now().getTime() + 50 * DAY).toISOString();
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { renewsAt: nextRenewal });

    // Act
    const paid = await deliver(local, eventFor(local, 'subscription_payment_success', license));
    local.clock.advance(20 * DAY + HOUR);
    const validated = await validate(license, local);

    // Assess
    expect(paid.body?.outcome).toBe('applied');
    expect(validated.status).toBe(200);
    expect(validated.body.ai_details.token).not.toBe(token);
    expect(new Date(validated.body.ai_details.expires_at).toISOString()).toBe(nextRenewal);
    await local.close();
  });

  it.each(['subscription_payment_failed', 'subscription_payment_refunded'])(
    '%s is recorded',
    async (name) => {
      // Prepare
      const { license } = await activated();

      // Act
      const response = await deliver(stack, eventFor(stack, name, license));

      // Assess
      expect(response.body?.outcome).toBe('applied');
      expect((await stored(stack, license))?.lastPayment).toMatchObject({
        status: name.replace('subscription_payment_', ''),
      });
    },
  );

  it('order_refunded in full revokes AI access; a partial refund changes nothing', async () => {
    // Prepare
    const full = await activated();
    const partial = await activated();

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
    expect((await validate(full.license)).body.code).toBe('LICENSE_DISABLED');
    expect(keyOf(stack, partial.token)?.disabled).toBe(false);
    expect((await validate(partial.license)).status).toBe(200);
  });

  it('acknowledges an unknown event with 200', async () => {
    // Prepare
    const body = eventFor(stack, 'license_key_created', seedLicense(stack, 'saas'), {
      'meta.event_name': 'affiliate_activated',
    });

    // Act
    const response = await deliver(stack, body);

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'ignored']);
  });

  it('applies a redelivered event once', async () => {
    // Prepare
    const { license } = await activated();
    const body = eventFor(stack, 'license_key_updated', license);

    // Act
    const first = await deliver(stack, body);
    const second = await deliver(stack, body);

    // Assess
    expect([first.body?.outcome, second.body?.outcome]).toEqual(['applied', 'duplicate']);
  });

  it('applies 20 parallel copies of one event exactly once', async () => {
    // Prepare
    const { license } = await activated();
    const body = eventFor(stack, 'license_key_updated', license);
    const disables = stack.openRouter.callCount('update');

    // Act
    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(stack, body)));

    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const outcomes = responses.map((response) => response.body?.outcome);
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(19);
    expect(stack.openRouter.callCount('update')).toBe(disables + 1);
  });

  it('keeps the newest state when two updates arrive newest first', async () => {
    // Prepare
    const { license, token } = await activated();
    const older = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': later(1),
    });
    const newer = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': later(2),
      'data.attributes.status': 'active',
      'data.attributes.disabled': 0,
      'data.attributes.instances_count': 1,
    });

    // Act
    const newest = await deliver(stack, newer);
    const oldest = await deliver(stack, older);

    // Assess
    expect([newest.body?.outcome, oldest.body?.outcome]).toEqual(['applied', 'stale']);
    expect((await stored(stack, license))?.status).toBe('active');
    expect(keyOf(stack, token)?.disabled).toBe(false);
  });

  it('answers 503 when OpenRouter fails during a disable, and the retry finishes the job', async () => {
    // Prepare
    const { license, token } = await activated();
    const body = eventFor(stack, 'license_key_updated', license);
    stack.openRouter.faults.inject('update', { kind: 'status', status: 500 });

    // Act
    const failed = await deliver(stack, body);
    const afterFailure = await stored(stack, license);
    const retried = await deliver(stack, body);

    // Assess
    expect([failed.status, failed.body?.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    expect(afterFailure?.ai).toBeDefined();
    expect([retried.status, retried.body?.outcome]).toEqual([200, 'applied']);
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect((await stored(stack, license))?.ai).toBeUndefined();
  });
});

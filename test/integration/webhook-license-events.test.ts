import { describe, expect, it } from 'vitest';
import { HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';
import {
  activeAgainEvent,
  deliver,
  eventFor,
  hoursLater,
  keyOf,
  storedLicense,
  validate,
} from '#test/helpers/webhook-events.ts';

describe('POST /v1/webhook: license-key events, delivery and order', () => {
  const stack = useTestStack();

  it('license_key_created records the license without any OpenRouter call', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const creates = stack.openRouter.callCount('create');

    // Act
    const response = await deliver(stack, eventFor(stack, 'license_key_created', license));

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    expect(await storedLicense(stack, license)).toMatchObject({
      status: 'inactive',
      customerName: 'Jane Doe',
      customerEmail: 'jane@example.com',
      provider: { licenseId: license.id, orderId: license.orderId, activationLimit: 3 },
      plan: { aiMode: 'saas', creditsUsd: 6 },
    });
    expect(stack.openRouter.callCount('create')).toBe(creates);
    expect((await validate(stack, license)).body.code).toBe('LICENSE_NOT_FOUND');
    const activation = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    expect(activation.status).toBe(200);
  });

  it('license_key_updated to disabled disables the key at once and the next validate answers suspended', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });

    // Act
    const response = await deliver(stack, eventFor(stack, 'license_key_updated', license));
    const validated = await validate(stack, license);

    // Assess
    expect(response.body?.outcome).toBe('applied');
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect((await storedLicense(stack, license))?.ai?.disabledAt).toEqual(expect.any(String));
    expect([validated.status, validated.body.status, validated.body.code]).toEqual([
      200,
      'suspended',
      'LICENSE_DISABLED',
    ]);
    expect(validated.body).not.toHaveProperty('ai_details');
  });

  it('enables the same key again once the license is usable again in the period (no new credit)', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    await deliver(stack, eventFor(stack, 'license_key_updated', license));
    stack.clock.advance(HOUR);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });

    // Act
    await deliver(stack, activeAgainEvent(stack, license));
    const validated = await validate(stack, license);

    // Assess
    expect(validated.status).toBe(200);
    expect(validated.body.ai_details.token).toBe(token);
    expect(keyOf(stack, token)?.disabled).toBe(false);
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
    const { license } = await activatedLicense(stack);
    const body = eventFor(stack, 'license_key_updated', license);

    // Act
    const first = await deliver(stack, body);
    const second = await deliver(stack, body);

    // Assess
    expect([first.body?.outcome, second.body?.outcome]).toEqual(['applied', 'duplicate']);
  });

  it('applies 20 parallel copies of one event exactly once', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
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
    const { license, token } = await activatedLicense(stack);
    const older = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': hoursLater(stack, 1),
    });
    const newer = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': hoursLater(stack, 2),
      'data.attributes.status': 'active',
      'data.attributes.disabled': 0,
      'data.attributes.instances_count': 1,
    });

    // Act
    const newest = await deliver(stack, newer);
    const oldest = await deliver(stack, older);

    // Assess
    expect([newest.body?.outcome, oldest.body?.outcome]).toEqual(['applied', 'stale']);
    expect((await storedLicense(stack, license))?.status).toBe('active');
    expect(keyOf(stack, token)?.disabled).toBe(false);
  });

  it('answers 503 when OpenRouter fails during a disable, and the retry finishes the job', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    const body = eventFor(stack, 'license_key_updated', license);
    stack.openRouter.faults.inject('update', { kind: 'status', status: 500 });

    // Act
    const failed = await deliver(stack, body);
    const afterFailure = await storedLicense(stack, license);
    const retried = await deliver(stack, body);

    // Assess
    expect([failed.status, failed.body?.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    expect(afterFailure?.ai).toBeDefined();
    expect([retried.status, retried.body?.outcome]).toEqual([200, 'applied']);
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect((await storedLicense(stack, license))?.ai?.disabledAt).toEqual(expect.any(String));
  });
});

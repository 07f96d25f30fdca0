import { describe, expect, it } from 'vitest';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  orphanKeys,
  seedLicense,
  startTestStack,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

const RENEWS_AT = '2026-04-02T09:30:00.000Z';

describe('POST /v1/validate', () => {
  const stack = useTestStack();

  function activated(plan: 'saas' | 'byok' = 'saas', on: TestStack = stack) {
    return activatedLicense(on, plan, RENEWS_AT);
  }

  it('answers LICENSE_NOT_FOUND for a key never activated here', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('LICENSE_NOT_FOUND');
  });

  it('returns the stored key and the latest activation without asking LemonSqueezy', async () => {
    // Prepare
    const { license, activation } = await activated();
    const lemonCalls = stack.lemonSqueezy.callCount('validate');

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      instanceId: activation.instanceId,
      instanceName: activation.instanceName,
      ai_details: { token: activation.ai_details.token, limit: 6 },
    });
    expect(stack.lemonSqueezy.callCount('validate')).toBe(lemonCalls);
  });

  it('checks a named device and answers INSTANCE_MISMATCH for one not activated on the key', async () => {
    // Prepare
    const { license, device, activation } = await activated();

    // Act
    const byName = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceName: device,
    });
    const byId = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceId: activation.instanceId,
    });
    const stranger = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceName: deviceId(),
    });
    const mixed = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceName: device,
      instanceId: 'nope',
    });

    // Assess
    expect([byName.status, byId.status]).toEqual([200, 200]);
    expect([stranger.status, stranger.body.code]).toEqual([403, 'INSTANCE_MISMATCH']);
    expect([mixed.status, mixed.body.code]).toEqual([403, 'INSTANCE_MISMATCH']);
  });

  it('caches limit_remaining for the usage TTL (a day) and then reads it from OpenRouter again', async () => {
    // Prepare
    const { license, activation } = await activated();
    const issued = stack.openRouter.keys().find((key) => key.key === activation.ai_details.token);
    stack.openRouter.spend(issued?.hash ?? '', 1.5);
    const gets = stack.openRouter.callCount('get');

    // Act
    const cached = await Promise.all(
      Array.from({ length: 10 }, () => stack.post('/v1/validate', { licenseKey: license.key })),
    );
    stack.clock.advance(23 * HOUR);
    const stillCached = await stack.post('/v1/validate', { licenseKey: license.key });
    stack.clock.advance(HOUR);
    const readAt = stack.clock.now();
    const fresh = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(cached.map((response) => response.body.ai_details.limit_remaining)).toEqual(
      Array(10).fill(6),
    );
    expect(stillCached.body.ai_details).toMatchObject({
      limit_remaining: 6,
      limit_checked_at: activation.ai_details.limit_checked_at,
    });
    expect(fresh.body.ai_details.limit_remaining).toBe(4.5);
    expect(Date.parse(fresh.body.ai_details.limit_checked_at)).toBe(
      Math.floor(readAt.getTime() / 1000) * 1000,
    );
    expect(stack.openRouter.callCount('get')).toBe(gets + 1);
  });

  it('asks LemonSqueezy again once the status TTL has passed', async () => {
    // Prepare
    const { license } = await activated('byok');
    const lemonCalls = stack.lemonSqueezy.callCount('validate');

    // Act
    stack.clock.advance(23 * HOUR);
    await stack.post('/v1/validate', { licenseKey: license.key });
    const afterShortWait = stack.lemonSqueezy.callCount('validate');
    stack.clock.advance(2 * HOUR);
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(afterShortWait).toBe(lemonCalls);
    expect(stack.lemonSqueezy.callCount('validate')).toBe(lemonCalls + 1);
  });

  it('serves the stored status while LemonSqueezy is down within the grace, then answers 503', async () => {
    // Prepare
    const local = await startTestStack();
    const { license } = await activated('byok', local);
    local.lemonSqueezy.faults.inject(
      'validate',
      { kind: 'status', status: 500 },
      { times: Number.POSITIVE_INFINITY },
    );

    // Act
    local.clock.advance(25 * HOUR);
    const withinGrace = await local.post('/v1/validate', { licenseKey: license.key });
    local.clock.advance(48 * HOUR);
    const pastGrace = await local.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(withinGrace.status).toBe(200);
    expect([pastGrace.status, pastGrace.body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
    await local.close();
  });

  it('answers suspended with LICENSE_DISABLED once LemonSqueezy disables the key, disabling the AI key and clearing it', async () => {
    // Prepare
    const { license, activation } = await activated();
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(25 * HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect([response.status, response.body.status, response.body.code]).toEqual([
      200,
      'suspended',
      'LICENSE_DISABLED',
    ]);
    expect(response.body).not.toHaveProperty('ai_details');
    const issued = stack.openRouter.keys().find((key) => key.key === activation.ai_details.token);
    expect(issued?.disabled).toBe(true);
    const stored = (await stack.items()).find(
      (item) =>
        item.licenseHash &&
        (item.ai as { hash?: string } | undefined)?.hash === issued?.hash &&
        item.status === 'disabled',
    );
    expect(stored?.ai).toMatchObject({ disabledAt: expect.any(String), usageAtDisable: 0 });
  });

  it('rotates an expired key once: fresh credits for the new period, old key disabled', async () => {
    // Prepare
    const local = await startTestStack();
    const { license, activation } = await activated('saas', local);
    const oldKey = local.openRouter.keys().find((key) => key.key === activation.ai_details.token);
    local.openRouter.spend(oldKey?.hash ?? '', 5);
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
      renewsAt: '2026-05-02T09:30:00.000Z',
    });
    local.clock.set('2026-04-02T10:00:00.000Z');

    // Act
    const response = await local.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.ai_details).toMatchObject({
      limit: 6,
      limit_remaining: 6,
      expires_at: '2026-05-02T09:30:00Z',
    });
    expect(response.body.ai_details.token).not.toBe(activation.ai_details.token);
    expect(local.openRouter.keys().find((key) => key.hash === oldKey?.hash)?.disabled).toBe(true);
    await local.close();
  });

  it('leaves exactly one live key and no orphan when 50 validates race at the period boundary', async () => {
    // Prepare
    const local = await startTestStack();
    const { license } = await activated('saas', local);
    local.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
      renewsAt: '2026-05-02T09:30:00.000Z',
    });
    local.clock.set('2026-04-02T10:00:00.000Z');

    // Act
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => local.post('/v1/validate', { licenseKey: license.key })),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(new Set(responses.map((response) => response.body.ai_details.token)).size).toBe(1);
    expect(local.openRouter.liveKeys()).toHaveLength(1);
    expect(local.openRouter.liveKeys()[0]?.key).toBe(responses[0]?.body.ai_details.token);
    expect(await orphanKeys(local)).toEqual([]);
    await local.close();
  });

  it('enables the same key again, with its credit counted once, when a disabled license becomes usable in the period', async () => {
    // Prepare
    const { license, activation } = await activated();
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(25 * HOUR);
    await stack.post('/v1/validate', { licenseKey: license.key });
    stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });
    stack.clock.advance(25 * HOUR);

    const created = stack.openRouter.callCount('create');

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.ai_details.token).toBe(activation.ai_details.token);
    expect(response.body.ai_details.limit).toBe(6);
    expect(stack.openRouter.callCount('create')).toBe(created);
    const key = stack.openRouter
      .keys()
      .find((issued) => issued.key === activation.ai_details.token);
    expect(key?.disabled).toBe(false);
  });

  it('answers expired with LICENSE_EXPIRED when the subscription expires, without a new key', async () => {
    // Prepare
    const { license } = await activated();
    const created = stack.openRouter.callCount('create');
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'expired' });
    stack.clock.advance(1 * DAY + HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect([response.status, response.body.status, response.body.code]).toEqual([
      200,
      'expired',
      'LICENSE_EXPIRED',
    ]);
    expect(response.body).not.toHaveProperty('ai_details');
    expect(stack.openRouter.callCount('create')).toBe(created);
  });

  it('answers suspended with LICENSE_INACTIVE while the subscription is paused and disables the key', async () => {
    // Prepare
    const { license, activation } = await activated();
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'paused' });
    const local = stack.clock;
    local.set(RENEWS_AT);
    local.advance(HOUR);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect([response.status, response.body.status, response.body.code]).toEqual([
      200,
      'suspended',
      'LICENSE_INACTIVE',
    ]);
    expect(response.body).not.toHaveProperty('ai_details');
    const issued = stack.openRouter.keys().find((key) => key.key === activation.ai_details.token);
    expect(issued?.disabled).toBe(true);
  });
});

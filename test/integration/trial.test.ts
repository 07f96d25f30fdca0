import { describe, expect, it } from 'vitest';
import { licenseResponseSchema } from '#schemas/license-response.ts';
import { DAY } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  orphanKeys,
  START,
  startTestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

describe('POST /v1/trial', () => {
  const stack = useTestStack();

  it('starts a SaaS trial with a random trial key and an OpenRouter key for the trial credits', async () => {
    // Prepare
    const device = deviceId();

    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: device,
      email: 'first@example.com',
      name: 'Ann',
    });

    // Assess
    expect(response.status).toBe(200);
    const body = licenseResponseSchema.parse(response.body);
    expect(body.licenseKey).toMatch(/^trial-[0-9a-f]{12}-[0-9a-f]{12}-[0-9a-z]{8}$/);
    expect(body).toMatchObject({
      instanceName: device,
      user_name: 'Ann',
      user_email: 'first@example.com',
      ai_mode: 'saas',
    });
    const trialEnd = new Date(new Date(START).getTime() + 30 * DAY)
      .toISOString()
      .replace('.000Z', 'Z');
    expect(body.ai_details).toMatchObject({ limit: 2, limit_remaining: 2, expires_at: trialEnd });
    const issued = stack.openRouter.keys().find((key) => key.key === body.ai_details?.token);
    expect(issued).toMatchObject({ limit: 2, disabled: false, deleted: false });
    expect(new Date(issued?.expiresAt ?? 0).toISOString()).toBe(new Date(trialEnd).toISOString());
  });

  it('refuses a second trial for the same email, compared trimmed and lower-cased', async () => {
    // Prepare
    await stack.post('/v1/trial', { instanceName: deviceId(), email: 'twice@example.com' });

    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: '  TWICE@Example.com ',
    });

    // Assess
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'TRIAL_ALREADY_USED' });
    // The message must not reveal which of the two (email or device) was taken.
    expect(response.body.error).toBe(
      'A trial has already been used for this email address or device.',
    );
  });

  it('refuses a second trial for the same device with another email', async () => {
    // Prepare
    const device = deviceId();
    await stack.post('/v1/trial', { instanceName: device, email: 'one@example.com' });

    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: device,
      email: 'other@example.com',
    });

    // Assess
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('TRIAL_ALREADY_USED');
  });

  it('gives exactly one trial to 50 parallel requests with one email, leaving no orphan key', async () => {
    // Act
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        stack.post('/v1/trial', { instanceName: deviceId(), email: 'race@example.com' }),
      ),
    );

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 403)).toHaveLength(49);
    const trials = (await stack.items()).filter(
      (item) => item.kind === 'trial' && item.email === 'race@example.com',
    );
    expect(trials).toHaveLength(1);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('gives exactly one trial to 50 parallel requests from one device with different emails', async () => {
    // Prepare
    const device = deviceId();

    // Act
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        stack.post('/v1/trial', {
          instanceName: device,
          email: `device-race-${index}@example.com`,
        }),
      ),
    );

    // Assess
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 403)).toHaveLength(49);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('lets the trial key activate on its own device and refuses any other device', async () => {
    // Prepare
    const device = deviceId();
    const trial = await stack.post('/v1/trial', { instanceName: device, email: 'own@example.com' });

    // Act
    const own = await stack.post('/v1/activate', {
      instanceName: device,
      licenseKey: trial.body.licenseKey,
    });
    const other = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: trial.body.licenseKey,
    });

    // Assess
    expect(own.status).toBe(200);
    expect(own.body.instanceId).toBe(trial.body.instanceId);
    expect(own.body.ai_details.token).toBe(trial.body.ai_details.token);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('INSTANCE_MISMATCH');
  });

  it('answers an ended trial as expired, with TRIAL_EXPIRED and no key, and disables its OpenRouter key', async () => {
    // Prepare
    const local = await startTestStack();
    const trial = await local.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'late@example.com',
    });
    local.clock.advance(30 * DAY + 1000);

    // Act
    const response = await local.post('/v1/validate', { licenseKey: trial.body.licenseKey });

    // Assess
    expect([response.status, response.body.status, response.body.code]).toEqual([
      200,
      'expired',
      'TRIAL_EXPIRED',
    ]);
    expect(response.body).not.toHaveProperty('ai_details');
    expect(response.body.trial_ends_at).toBe(trial.body.trial_ends_at);
    const key = local.openRouter
      .keys()
      .find((issued) => issued.key === trial.body.ai_details.token);
    expect(key?.disabled).toBe(true);
    // The key is kept, disabled, with what it spent: enabling it again never mints credit.
    const stored = (await local.items()).find((item) => item.kind === 'trial');
    expect(stored?.ai).toMatchObject({ disabledAt: expect.any(String), usageAtDisable: 0 });
    await local.close();
  });

  it('stores nothing and leaves no key when OpenRouter fails, so a retry succeeds', async () => {
    // Prepare
    const body = { instanceName: deviceId(), email: 'retry@example.com' };
    stack.openRouter.faults.inject('create', { kind: 'status', status: 500 });

    // Act
    const failed = await stack.post('/v1/trial', body);
    const retried = await stack.post('/v1/trial', body);

    // Assess
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(retried.status).toBe(200);
    expect(await orphanKeys(stack)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { captureOutput } from '#test/helpers/captured-output.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';

describe('logs', () => {
  let output: ReturnType<typeof captureOutput>;

  // Registered before the stack's hooks, so the capture starts before the stack does and ends
  // after it has closed.
  beforeAll(() => {
    output = captureOutput();
  });
  afterAll(() => {
    output.restore();
  });
  const stack = useTestStack({ LOG_LEVEL: 'DEBUG' });

  it('never contain a license key, an issued token or an upstream secret', async () => {
    // Prepare
    const secrets: string[] = Object.values(SANDBOX_SECRETS);
    const license = seedLicense(stack, 'saas', {
      subscription: {
        status: 'active',
        renewsAt: new Date(stack.clock.now().getTime() + DAY).toISOString(),
      },
    });
    secrets.push(license.key);

    // Act: every path that logs: trial, activation, validate, rotation, a failure, a refusal.
    const trial = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'logs@example.com',
    });
    const activation = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    await stack.post('/v1/validate', { licenseKey: license.key });
    // The subscription renews (a paid period), so the next validate rotates the key.
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
      renewsAt: new Date(stack.clock.now().getTime() + 31 * DAY).toISOString(),
    });
    stack.clock.advance(DAY + HOUR);
    const rotated = await stack.post('/v1/validate', { licenseKey: license.key });
    stack.openRouter.faults.inject('create', { kind: 'status', status: 500 });
    await stack.post('/v1/trial', { instanceName: deviceId(), email: 'fails@example.com' });
    await stack.post('/v1/validate', { licenseKey: 'no-such-key-0000' });
    secrets.push(
      trial.body.licenseKey,
      trial.body.ai_details.token,
      activation.body.ai_details.token,
      rotated.body.ai_details.token,
    );

    // Assess
    const logs = output.text();
    expect(logs).toContain('"message":"request"');
    expect(logs).toContain('ai key issued');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('no-such-key-0000');
  });
});

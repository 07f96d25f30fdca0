import { describe, expect, it } from 'vitest';
import { productsConfig } from '#config/products.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';

const wire = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('entitlements, cache_until and grace_until', () => {
  const stack = useTestStack();

  it('gives a trial the trial plan features, its cache window and its grace', async () => {
    // Prepare
    const now = stack.clock.now().getTime();

    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: `terms-${deviceId().slice(0, 8)}@example.com`,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      entitlements: productsConfig.trial.entitlements,
      cache_until: wire(now + productsConfig.trial.cache_hours * HOUR),
      grace_until: wire(now + productsConfig.trial.grace_days * DAY),
    });
  });

  it('gives an active SaaS license its product features, answer by answer', async () => {
    // Prepare
    const { license } = await activatedLicense(stack, 'saas');
    stack.clock.advance(2 * HOUR);
    const now = stack.clock.now().getTime();
    const plan = productsConfig.products.ai_subscription;

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.body.entitlements).toEqual(plan?.entitlements);
    expect(response.body.cache_until).toBe(wire(now + (plan?.cache_hours ?? 0) * HOUR));
    expect(response.body.grace_until).toBe(wire(now + (plan?.grace_days ?? 0) * DAY));
  });

  it('never lets the grace outlast the license itself', async () => {
    // Prepare
    const now = stack.clock.now().getTime();
    const expiresAt = new Date(now + 2 * DAY).toISOString();
    const license = seedLicense(stack, 'byok', { status: 'active', expiresAt });

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.grace_until).toBe(wire(Date.parse(expiresAt)));
    expect(response.body.cache_until).toBe(wire(now + DAY));
  });

  it('unlocks nothing and grants no offline grace once the license is disabled', async () => {
    // Prepare
    const { license } = await activatedLicense(stack, 'saas');
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(25 * HOUR);
    const now = stack.clock.now().getTime();

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'suspended',
      code: 'LICENSE_DISABLED',
      entitlements: [],
      grace_until: wire(now),
      cache_until: wire(now + DAY),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { productsConfig } from '#config/products.ts';
import { getKeys, verifyLease } from '#test/helpers/lease.ts';
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
  it("caps grace, cache and the lease at a cancelled subscription's end, and answers it as expires_at", async () => {
    // Prepare: cancelled, access runs out in two days; the plan's grace is a week.
    const now = stack.clock.now().getTime();
    const endsAt = new Date(now + 2 * DAY).toISOString();
    const license = seedLicense(stack, 'saas', {
      subscription: { status: 'cancelled', renewsAt: endsAt, endsAt },
    });
    const keys = await getKeys(stack);

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    stack.clock.advance(47 * HOUR);
    const late = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess: the shipped client, offline, stops at expires_at (null would mean for ever).
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'active',
      expires_at: wire(Date.parse(endsAt)),
      license_expires_at: null,
      grace_until: wire(Date.parse(endsAt)),
      cache_until: wire(now + DAY),
    });
    expect(late.body).toMatchObject({
      status: 'active',
      expires_at: wire(Date.parse(endsAt)),
      grace_until: wire(Date.parse(endsAt)),
      cache_until: wire(Date.parse(endsAt)),
    });
    const { payload } = verifyLease(late.body.lease, keys.body);
    expect(payload).toMatchObject({
      expires_at: wire(Date.parse(endsAt)),
      grace_until: wire(Date.parse(endsAt)),
      cache_until: wire(Date.parse(endsAt)),
    });
  });

  it('caps grace and cache at the end of a LemonSqueezy subscription trial (renews_at)', async () => {
    // Prepare: on_trial, its trial (and renews_at) ends in three days.
    const now = stack.clock.now().getTime();
    const trialEnds = new Date(now + 3 * DAY).toISOString();
    const license = seedLicense(stack, 'saas', {
      subscription: { status: 'on_trial', renewsAt: trialEnds },
    });

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess: past the trial, use needs the first payment; a converting trial is no known end,
    // so expires_at stays the license's own (none).
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      expires_at: null,
      grace_until: wire(Date.parse(trialEnds)),
      cache_until: wire(now + DAY),
    });
  });
});

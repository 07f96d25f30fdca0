import { describe, expect, it } from 'vitest';
import { loadConfig } from '#lambda/config.ts';

const MINIMAL = {
  TABLE_NAME: 'licenses',
  LEMONSQUEEZY_API_KEY: 'ls',
  OPENROUTER_API_KEY: 'or',
  WEBHOOK_SECRET: 'wh',
};

describe('loadConfig: rate limits and the negative cache', () => {
  it('has the documented defaults: on, 5 trials/h, 20 unknown keys/10 min, 10 activations/min, 60 upstream validates/h, 3 LemonSqueezy calls/min per license, 10-minute negative cache', () => {
    // Act
    const { policy } = loadConfig(MINIMAL);

    // Assess
    expect(policy.rateLimits).toEqual({
      enabled: true,
      trial: { name: 'trial', max: 5, windowSeconds: 3600 },
      unknownKey: { name: 'unknown-key', max: 20, windowSeconds: 600 },
      activate: { name: 'activate', max: 10, windowSeconds: 60 },
      validateUpstream: { name: 'validate-upstream', max: 60, windowSeconds: 3600 },
      licenseUpstream: { name: 'lemonsqueezy-license', max: 3, windowSeconds: 60 },
    });
    expect(policy.negativeCacheMs).toBe(600_000);
  });

  it.each([
    ['5/1h', { max: 5, windowSeconds: 3600 }],
    ['20/10m', { max: 20, windowSeconds: 600 }],
    ['10/60', { max: 10, windowSeconds: 60 }],
    ['3/30s', { max: 3, windowSeconds: 30 }],
    ['100/1d', { max: 100, windowSeconds: 86_400 }],
  ])('reads %s', (value, expected) => {
    // Act
    const { policy } = loadConfig({ ...MINIMAL, RATE_LIMIT_TRIAL: value });

    // Assess
    expect(policy.rateLimits.trial).toEqual({ name: 'trial', ...expected });
  });

  it.each(['0/1h', '5', '5/0', '5/2d', 'five/1h', '5/1w', '-1/1h', '5/1h;q=1'])(
    'refuses %s, naming the variable',
    (value) => {
      // Act
      const act = () => loadConfig({ ...MINIMAL, RATE_LIMIT_ACTIVATE: value });

      // Assess
      expect(act).toThrow(/RATE_LIMIT_ACTIVATE: expected <requests>\/<window>/);
    },
  );

  it('turns the limits off with RATE_LIMITS=off and the negative cache with 0', () => {
    // Act
    const { policy } = loadConfig({ ...MINIMAL, RATE_LIMITS: 'off', NEGATIVE_CACHE_SECONDS: '0' });

    // Assess
    expect(policy.rateLimits.enabled).toBe(false);
    expect(policy.negativeCacheMs).toBe(0);
  });

  it('has a budget of 50 LemonSqueezy calls a minute, 15 of them kept for first contacts', () => {
    // Act
    const config = loadConfig(MINIMAL);

    // Assess
    expect(config.lemonSqueezyBudget).toEqual({ perMinute: 50, firstContactPerMinute: 15 });
  });

  it.each([
    ['the whole budget', { LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE: '50' }],
    ['more than the budget', { LEMONSQUEEZY_BUDGET_PER_MINUTE: '10' }],
  ])('refuses a first-contact share of %s: known licenses would get nothing', (_case, env) => {
    // Act
    const act = () => loadConfig({ ...MINIMAL, ...env });

    // Assess
    expect(act).toThrow(
      /LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE: must be less than LEMONSQUEEZY_BUDGET_PER_MINUTE/,
    );
  });

  it('takes any first-contact share with the budget off', () => {
    // Act
    const config = loadConfig({ ...MINIMAL, LEMONSQUEEZY_BUDGET_PER_MINUTE: '0' });

    // Assess
    expect(config.lemonSqueezyBudget).toBeUndefined();
  });
});

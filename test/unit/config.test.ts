import { describe, expect, it } from 'vitest';
import { loadConfig } from '#lambda/config.ts';

const SECRET_VALUES = {
  LEMONSQUEEZY_API_KEY: 'ls-secret-value-111',
  OPENROUTER_API_KEY: 'or-secret-value-222',
  WEBHOOK_SECRET: 'wh-secret-value-333',
};

/** The least a function needs: a table and the three secrets as values (local server, tests). */
function minimalEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { TABLE_NAME: 'licenses', ...SECRET_VALUES, ...overrides };
}

function thrownMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('loadConfig', () => {
  it('returns the documented defaults for a minimal environment', () => {
    // Act
    const config = loadConfig(minimalEnv());

    // Assess: toMatchObject, so adding a setting with its own default does not break this.
    expect(config).toMatchObject({
      tableName: 'licenses',
      region: 'us-east-1',
      lemonSqueezyBaseUrl: 'https://api.lemonsqueezy.com',
      openRouterBaseUrl: 'https://openrouter.ai/api/v1',
      upstreamTimeoutMs: 5_000,
      secretsCacheSeconds: 300,
      policy: {
        statusTtlMs: 86_400_000,
        statusGraceMs: 72 * 3600 * 1000,
        usageTtlMs: 86_400_000,
        activationLeaseMs: 30_000,
        activationWaitMs: 10_000,
        allowTestMode: false,
        blockDisposableEmails: true,
      },
    });
    expect(config.policy.trialDeviceIdPattern.source).toBe('^(?:[0-9a-f]{64})$');
    expect(config.dynamoDbEndpoint).toBeUndefined();
    expect(config.secrets).toEqual({
      lemonsqueezyApiKey: { value: 'ls-secret-value-111' },
      openrouterManagementKey: { value: 'or-secret-value-222' },
      webhookSecret: { value: 'wh-secret-value-333' },
    });
  });

  it('uses SSM parameter names over values when both are set', () => {
    // Prepare
    const env = minimalEnv({
      LEMONSQUEEZY_API_KEY_PARAM: '/ravn/lemonsqueezy-api-key',
      OPENROUTER_API_KEY_PARAM: '/ravn/openrouter-api-key',
      WEBHOOK_SECRET_PARAM: '/ravn/webhook-secret',
    });

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.secrets).toEqual({
      lemonsqueezyApiKey: { ssmName: '/ravn/lemonsqueezy-api-key' },
      openrouterManagementKey: { ssmName: '/ravn/openrouter-api-key' },
      webhookSecret: { ssmName: '/ravn/webhook-secret' },
    });
  });

  it('accepts SSM parameter names alone', () => {
    // Prepare
    const env = {
      TABLE_NAME: 'licenses',
      LEMONSQUEEZY_API_KEY_PARAM: '/ravn/ls',
      OPENROUTER_API_KEY_PARAM: '/ravn/or',
      WEBHOOK_SECRET_PARAM: '/ravn/wh',
    };

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config.secrets.webhookSecret).toEqual({ ssmName: '/ravn/wh' });
  });

  it('reads overrides and trims trailing slashes from base URLs', () => {
    // Prepare
    const env = minimalEnv({
      AWS_REGION: 'eu-west-1',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      LEMONSQUEEZY_BASE_URL: 'http://127.0.0.1:9001/',
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9002/api/v1//',
      STATUS_TTL_SECONDS: '3600',
      USAGE_TTL_SECONDS: '0',
      ALLOW_TEST_MODE: 'true',
    });

    // Act
    const config = loadConfig(env);

    // Assess
    expect(config).toMatchObject({
      region: 'eu-west-1',
      dynamoDbEndpoint: 'http://127.0.0.1:8000',
      lemonSqueezyBaseUrl: 'http://127.0.0.1:9001',
      openRouterBaseUrl: 'http://127.0.0.1:9002/api/v1',
      policy: { statusTtlMs: 3_600_000, usageTtlMs: 0, allowTestMode: true },
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
    ['', false],
  ])('reads ALLOW_TEST_MODE=%j as %s', (value, expected) => {
    // Act
    const config = loadConfig(minimalEnv({ ALLOW_TEST_MODE: value }));

    // Assess
    expect(config.policy.allowTestMode).toBe(expected);
  });

  it.each([
    ['on', true],
    ['true', true],
    ['1', true],
    ['off', false],
    ['false', false],
    ['0', false],
    ['', true],
  ])('reads BLOCK_DISPOSABLE_EMAILS=%j as %s', (value, expected) => {
    // Act
    const config = loadConfig(minimalEnv({ BLOCK_DISPOSABLE_EMAILS: value }));

    // Assess
    expect(config.policy.blockDisposableEmails).toBe(expected);
  });

  it.each([
    ['the default', undefined, 'a'.repeat(64), true],
    ['the default', undefined, 'a'.repeat(63), false],
    ['the default', undefined, `${'a'.repeat(64)}0`, false],
    ['a pattern, anchored', '[0-9a-f]{8}', `x${'0'.repeat(8)}`, false],
    ['a pattern, anchored', '[0-9a-f]{8}|dev-\\d+', 'dev-42', true],
    ['a pattern with a Unicode class', '\\p{L}+', 'grüße', true],
  ])('matches whole device ids with %s (%j): %j → %s', (_label, pattern, id, expected) => {
    // Act
    const config = loadConfig(minimalEnv({ TRIAL_DEVICE_ID_PATTERN: pattern }));

    // Assess
    expect(config.policy.trialDeviceIdPattern.test(id)).toBe(expected);
  });

  it('throws naming TABLE_NAME when it is missing, without any secret value', () => {
    // Prepare
    const env = minimalEnv({ TABLE_NAME: undefined });

    // Act
    const message = thrownMessage(() => loadConfig(env));

    // Assess
    expect(message).toMatch(/TABLE_NAME/);
    for (const value of Object.values(SECRET_VALUES)) expect(message).not.toContain(value);
  });

  it.each([
    ['LEMONSQUEEZY_API_KEY', 'LEMONSQUEEZY_API_KEY_PARAM'],
    ['OPENROUTER_API_KEY', 'OPENROUTER_API_KEY_PARAM'],
    ['WEBHOOK_SECRET', 'WEBHOOK_SECRET_PARAM'],
  ])('throws naming %s when neither it nor its SSM name is set', (variable, param) => {
    // Prepare
    const env = minimalEnv({ [variable]: undefined });

    // Act
    const message = thrownMessage(() => loadConfig(env));

    // Assess
    expect(message).toContain(variable);
    expect(message).toContain(param);
    for (const value of Object.values(SECRET_VALUES)) expect(message).not.toContain(value);
  });

  it.each([
    ['STATUS_TTL_SECONDS', 'not-a-number'],
    ['UPSTREAM_TIMEOUT_MS', '0'],
    ['LEMONSQUEEZY_BASE_URL', 'not a url'],
    ['ALLOW_TEST_MODE', 'yes'],
    ['BLOCK_DISPOSABLE_EMAILS', 'no'],
    ['TRIAL_DEVICE_ID_PATTERN', '[0-9a-f'],
  ])('throws naming %s when it is malformed', (variable, value) => {
    // Prepare
    const env = minimalEnv({ [variable]: value });

    // Act
    const message = thrownMessage(() => loadConfig(env));

    // Assess
    expect(message).toContain(variable);
    for (const secret of Object.values(SECRET_VALUES)) expect(message).not.toContain(secret);
  });

  it('names every malformed variable at once', () => {
    // Prepare
    const env = minimalEnv({ TABLE_NAME: undefined, OPENROUTER_BASE_URL: 'nope' });

    // Act
    const message = thrownMessage(() => loadConfig(env));

    // Assess
    expect(message).toMatch(/TABLE_NAME/);
    expect(message).toMatch(/OPENROUTER_BASE_URL/);
  });

  it('names the missing secrets together with the other problems', () => {
    // Act
    const message = thrownMessage(() => loadConfig({ WEBHOOK_SECRET: 'wh-secret-value-333' }));

    // Assess
    expect(message).toContain('TABLE_NAME');
    expect(message).toContain('LEMONSQUEEZY_API_KEY_PARAM');
    expect(message).toContain('OPENROUTER_API_KEY_PARAM');
    expect(message).not.toContain('WEBHOOK_SECRET_PARAM');
    expect(message).not.toContain('wh-secret-value-333');
  });

  it('treats empty variables as unset', () => {
    // Act
    const config = loadConfig(
      minimalEnv({
        STATUS_TTL_SECONDS: '',
        UPSTREAM_TIMEOUT_MS: '',
        LEMONSQUEEZY_API_KEY_PARAM: '',
      }),
    );

    // Assess
    expect(config.policy.statusTtlMs).toBe(86_400_000);
    expect(config.upstreamTimeoutMs).toBe(5_000);
    expect(config.secrets.lemonsqueezyApiKey).toEqual({
      value: SECRET_VALUES.LEMONSQUEEZY_API_KEY,
    });
  });

  it('limits DynamoDB calls with the time budget defaults, or the values given', () => {
    // Act
    const defaults = loadConfig(minimalEnv()).dynamoDbClient;
    const given = loadConfig(
      minimalEnv({
        DYNAMODB_CONNECT_TIMEOUT_MS: '500',
        DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
        DYNAMODB_MAX_ATTEMPTS: '1',
      }),
    ).dynamoDbClient;

    // Assess
    expect(defaults).toEqual({ connectTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 3 });
    expect(given).toEqual({ connectTimeoutMs: 500, requestTimeoutMs: 10_000, maxAttempts: 1 });
    expect(() => loadConfig(minimalEnv({ DYNAMODB_MAX_ATTEMPTS: '0' }))).toThrow(
      /DYNAMODB_MAX_ATTEMPTS/,
    );
  });
});

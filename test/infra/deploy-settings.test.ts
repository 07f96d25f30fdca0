import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CREDIT_ALARM_USD_PER_HOUR,
  DEFAULT_REFUSAL_ALARM_LICENSES,
  readDeploySettings,
} from '#config/deploy-settings.ts';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

const fromContext =
  (context: Record<string, unknown>) =>
  (key: string): unknown =>
    context[key];

describe('readDeploySettings', () => {
  it('defaults to eu-west-1, no WAF, no domain, no alarm email, no CORS and the default reservations', () => {
    // Act
    const settings = readDeploySettings(fromContext({}), {});

    // Assess
    expect(settings).toEqual({
      region: 'eu-west-1',
      enableWaf: false,
      wafManagedRules: { ipReputation: 'block', knownBadInputs: 'block', commonRuleSet: 'count' },
      corsOrigins: [],
      corsOriginsFromOldName: false,
      reservedConcurrency: { activate: 20, validate: 100, webhook: 10, reaper: 1, reconciler: 1 },
      creditAlarmUsdPerHour: DEFAULT_CREDIT_ALARM_USD_PER_HOUR,
      refusalAlarmLicenses: DEFAULT_REFUSAL_ALARM_LICENSES,
      releaseStrategy: 'canary',
    });
  });

  it('reads the money alarm threshold from the environment, context first', () => {
    // Act
    const fromEnv = readDeploySettings(fromContext({}), { CREDIT_ALARM_USD_PER_HOUR: '250' });
    const fromBoth = readDeploySettings(fromContext({ creditAlarmUsdPerHour: 40 }), {
      CREDIT_ALARM_USD_PER_HOUR: '250',
    });

    // Assess
    expect(fromEnv.creditAlarmUsdPerHour).toBe(250);
    expect(fromBoth.creditAlarmUsdPerHour).toBe(40);
  });

  it.each(['0', '-5', 'lots'])('refuses creditAlarmUsdPerHour %s', (value) => {
    // Act
    const read = () => readDeploySettings(fromContext({ creditAlarmUsdPerHour: value }), {});

    // Assess
    expect(read).toThrow(/creditAlarmUsdPerHour/);
  });

  it('takes the account and region the CDK CLI resolved', () => {
    // Act
    const settings = readDeploySettings(fromContext({}), {
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'ap-southeast-2',
    });

    // Assess
    expect(settings).toMatchObject({ account: '123456789012', region: 'ap-southeast-2' });
  });

  it('reads each setting from the environment when the context lacks it', () => {
    // Act
    const settings = readDeploySettings(fromContext({}), {
      CERTIFICATE_ARN,
      DOMAIN_NAME: 'activate.example.com',
      ENABLE_WAF: 'true',
      ALARM_EMAIL: 'ops@example.com',
      CORS_ORIGINS: 'https://ravn.example.com,https://app.example.com',
      ORIGIN_SECRET_ROTATION: '2026-11-23',
      WAF_MANAGED_RULES: 'commonRuleSet=block',
      RESERVED_CONCURRENCY: 'off',
    });

    // Assess
    expect(settings).toMatchObject({
      wafManagedRules: { ipReputation: 'block', knownBadInputs: 'block', commonRuleSet: 'block' },
      reservedConcurrency: { activate: 0, validate: 0, webhook: 0, reaper: 0, reconciler: 0 },
      certificateArn: CERTIFICATE_ARN,
      domainName: 'activate.example.com',
      enableWaf: true,
      alarmEmail: 'ops@example.com',
      corsOrigins: ['https://ravn.example.com', 'https://app.example.com'],
      corsOriginsFromOldName: false,
      originSecretRotation: '2026-11-23',
    });
  });

  it.each([
    ['context', { corsOrigins: ['*'] }, {}],
    ['environment', {}, { CORS_ORIGINS: ' * ' }],
  ])('takes * for CORS only when set, from the %s', (_source, context, env) => {
    // Act
    const settings = readDeploySettings(fromContext(context), env);

    // Assess
    expect(settings.corsOrigins).toEqual(['*']);
  });

  it.each([
    ['an empty list in the context', { corsOrigins: [] }, {}],
    ['an empty variable', {}, { CORS_ORIGINS: '' }],
    ['only commas and spaces', { corsOrigins: ' , ' }, {}],
  ])('reads %s as no CORS', (_case, context, env) => {
    // Act
    const settings = readDeploySettings(fromContext(context), env);

    // Assess
    expect(settings.corsOrigins).toEqual([]);
  });

  it.each([
    ['context', { corsAllowOrigins: 'https://app.example.com' }, {}],
    ['environment', {}, { CORS_ALLOW_ORIGINS: 'https://app.example.com' }],
  ])(
    'still reads the old name corsAllowOrigins from the %s, and says so',
    (_source, context, env) => {
      // Act
      const settings = readDeploySettings(fromContext(context), env);

      // Assess
      expect(settings).toMatchObject({
        corsOrigins: ['https://app.example.com'],
        corsOriginsFromOldName: true,
      });
      expect(settings).not.toHaveProperty('corsAllowOrigins');
    },
  );

  it('refuses corsOrigins and its old name together, wherever each comes from', () => {
    // Act
    const read = () =>
      readDeploySettings(fromContext({ corsOrigins: 'https://app.example.com' }), {
        CORS_ALLOW_ORIGINS: '*',
      });

    // Assess
    expect(read).toThrow(/corsAllowOrigins.*old name of corsOrigins.*set only corsOrigins/);
  });

  it('prefers the context to the environment', () => {
    // Act
    const settings = readDeploySettings(
      fromContext({ enableWaf: 'false', alarmEmail: 'cli@example.com' }),
      { ENABLE_WAF: 'true', ALARM_EMAIL: 'env@example.com' },
    );

    // Assess
    expect(settings).toMatchObject({ enableWaf: false, alarmEmail: 'cli@example.com' });
  });

  it.each([
    [true, true],
    ['true', true],
    ['1', true],
    [false, false],
    ['false', false],
    ['', false],
  ])('reads enableWaf %j as %s', (value, expected) => {
    // Act
    const settings = readDeploySettings(fromContext({ enableWaf: value }), {});

    // Assess
    expect(settings.enableWaf).toBe(expected);
  });

  it.each([
    ['off', { activate: 0, validate: 0, webhook: 0, reaper: 0, reconciler: 0 }],
    ['NONE', { activate: 0, validate: 0, webhook: 0, reaper: 0, reconciler: 0 }],
    [
      'validate=50, reaper=0',
      { activate: 20, validate: 50, webhook: 10, reaper: 0, reconciler: 1 },
    ],
    [
      { activate: 5, webhook: '2' },
      { activate: 5, validate: 100, webhook: 2, reaper: 1, reconciler: 1 },
    ],
  ])('reads reservedConcurrency %j', (value, expected) => {
    // Act
    const settings = readDeploySettings(fromContext({ reservedConcurrency: value }), {});

    // Assess
    expect(settings.reservedConcurrency).toEqual(expected);
  });

  it.each([
    ['ipReputation=count,knownBadInputs=count', { ipReputation: 'count', knownBadInputs: 'count' }],
    [{ commonRuleSet: 'block' }, { commonRuleSet: 'block', ipReputation: 'block' }],
  ])('reads wafManagedRules %j', (value, expected) => {
    // Act
    const settings = readDeploySettings(fromContext({ wafManagedRules: value }), {});

    // Assess
    expect(settings.wafManagedRules).toMatchObject(expected);
  });

  it('throws naming the certificate when a domain comes without one', () => {
    // Prepare
    const app = new App({ context: { domainName: 'activate.example.com' } });

    // Act
    const read = () => readDeploySettings((key) => app.node.tryGetContext(key), {});

    // Assess
    expect(read).toThrow(/certificate/);
    expect(read).toThrow(/domainName activate\.example\.com needs certificateArn/);
  });

  it.each([
    [
      'a certificate outside us-east-1',
      {
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        domainName: 'a.example.com',
      },
      /certificateArn is in eu-west-1: CloudFront only uses ACM certificates issued in us-east-1/,
    ],
    [
      'a certificate without a domain',
      { certificateArn: CERTIFICATE_ARN },
      /certificateArn needs domainName/,
    ],
    [
      'something that is not a certificate ARN',
      { certificateArn: 'abc', domainName: 'a.example.com' },
      /certificateArn must be an ACM certificate ARN/,
    ],
    [
      'a domain that is not a host name',
      { certificateArn: CERTIFICATE_ARN, domainName: 'https://x' },
      /domainName must be a host name/,
    ],
    [
      'an alarm email that is not one',
      { alarmEmail: 'ops' },
      /alarmEmail must be an email address/,
    ],
    [
      'a CORS origin with a path',
      { corsOrigins: 'https://a.example.com/app' },
      /corsOrigins.*CORS origin/,
    ],
    [
      'a CORS origin without a scheme',
      { corsAllowOrigins: 'app.example.com' },
      /corsAllowOrigins.*CORS origin/,
    ],
    ['enableWaf that is no boolean', { enableWaf: 'maybe' }, /enableWaf/],
    ['a rotation stamp with spaces', { originSecretRotation: 'next week' }, /originSecretRotation/],
    [
      'a reservation for a function that does not exist',
      { reservedConcurrency: 'validat=50' },
      /reservedConcurrency: Unrecognized key: "validat"/,
    ],
    [
      'a reservation below 0',
      { reservedConcurrency: 'activate=-1' },
      /reservedConcurrency\.activate: must be a whole number/,
    ],
    [
      'a reservation without a number',
      { reservedConcurrency: 'activate' },
      /reservedConcurrency\.activate: must be a whole number/,
    ],
    [
      'a managed rule action WAF rules do not take',
      { wafManagedRules: 'commonRuleSet=allow' },
      /wafManagedRules\.commonRuleSet: must be block or count/,
    ],
    [
      'a managed rule group that does not exist',
      { wafManagedRules: 'botControl=block' },
      /wafManagedRules: Unrecognized key: "botControl"/,
    ],
  ])('refuses %s', (_case, context, message) => {
    // Act
    const read = () => readDeploySettings(fromContext(context), {});

    // Assess
    expect(read).toThrow(message);
  });
});

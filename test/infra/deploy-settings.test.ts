import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readDeploySettings } from '#config/deploy-settings.ts';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

const fromContext =
  (context: Record<string, unknown>) =>
  (key: string): unknown =>
    context[key];

describe('readDeploySettings', () => {
  it('defaults to eu-west-1, no WAF, no domain, no alarm email and CORS from anywhere', () => {
    // Act
    const settings = readDeploySettings(fromContext({}), {});

    // Assess
    expect(settings).toEqual({ region: 'eu-west-1', enableWaf: false, corsAllowOrigins: ['*'] });
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
      CORS_ALLOW_ORIGINS: 'https://ravn.example.com,https://app.example.com',
      ORIGIN_SECRET_ROTATION: '2026-11-23',
    });

    // Assess
    expect(settings).toMatchObject({
      certificateArn: CERTIFICATE_ARN,
      domainName: 'activate.example.com',
      enableWaf: true,
      alarmEmail: 'ops@example.com',
      corsAllowOrigins: ['https://ravn.example.com', 'https://app.example.com'],
      originSecretRotation: '2026-11-23',
    });
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
    ['a CORS origin with a path', { corsAllowOrigins: 'https://a.example.com/app' }, /CORS origin/],
    ['enableWaf that is no boolean', { enableWaf: 'maybe' }, /enableWaf/],
    ['a rotation stamp with spaces', { originSecretRotation: 'next week' }, /originSecretRotation/],
  ])('refuses %s', (_case, context, message) => {
    // Act
    const read = () => readDeploySettings(fromContext(context), {});

    // Assess
    expect(read).toThrow(message);
  });
});

import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { methodGuardCode } from '#lambda/edge/method-guard-code.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { onlyResource } from '#test/infra/template-queries.ts';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
const ruleNamed = (acl: any, name: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
  acl.properties.Rules.find((rule: any) => rule.Name === name);

/**
 * The web ACL of the app, with the rule groups' actions the settings chose; test/infra/web-acl.test.ts
 * checks its rules in detail.
 */
const assertWebAcl = (template: Template, overrides: Record<string, 'None' | 'Count'>) => {
  const acl = onlyResource(template, 'AWS::WAFv2::WebACL');
  expect(acl.properties).toMatchObject({
    Name: 'ravn-activate',
    Scope: 'CLOUDFRONT',
    DefaultAction: { Allow: {} },
    VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true },
  });
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
  expect(acl.properties.Rules.map((rule: any) => rule.Name)).toEqual([
    'RateLimitTrial',
    'RateLimitActivate',
    'RateLimitPerIp',
    'RateLimitWebhook',
    'AWSManagedRulesAmazonIpReputationList',
    'AWSManagedRulesKnownBadInputsRuleSet',
    'AWSManagedRulesCommonRuleSet',
  ]);
  for (const [name, override] of Object.entries(overrides)) {
    expect(ruleNamed(acl, name).OverrideAction, name).toEqual({ [override]: {} });
  }
  return acl;
};

const blockedRequestsAlarm = {
  Namespace: 'AWS/WAFV2',
  MetricName: 'BlockedRequests',
  Statistic: 'Sum',
  Threshold: 100,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  Dimensions: [
    { Name: 'Rule', Value: 'ALL' },
    { Name: 'WebACL', Value: 'ravn-activate' },
  ],
};

describe('RavnActivateStack with WAF in another region', () => {
  const { synthesised } = useSynthesisedApp({
    region: 'eu-west-1',
    enableWaf: true,
    alarmEmail: 'ops@example.com',
    wafManagedRules: 'knownBadInputs=count',
  });

  it('creates the web ACL in a us-east-1 stack with the rate limits and managed rules chosen', () => {
    // Prepare
    const waf = synthesised.waf;

    // Assess
    expect(waf?.region).toBe('us-east-1');
    if (!waf) return;
    assertWebAcl(synthesised.template(waf), {
      AWSManagedRulesAmazonIpReputationList: 'None',
      AWSManagedRulesKnownBadInputsRuleSet: 'Count',
      AWSManagedRulesCommonRuleSet: 'Count',
    });
    synthesised.template(synthesised.service).resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('attaches the web ACL to the distribution across regions', () => {
    // Prepare
    const template = synthesised.template(synthesised.service);
    const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

    // Assess
    expect(properties.DistributionConfig.WebACLId['Fn::GetStackOutput']).toMatchObject({
      StackName: 'RavnActivateWaf',
      Region: 'us-east-1',
    });
  });

  it('alarms on a spike of blocked requests next to the web ACL metrics, in us-east-1', () => {
    // Prepare
    const edgeAlarms = synthesised.edgeAlarms;

    // Assess
    expect(edgeAlarms?.region).toBe('us-east-1');
    if (!edgeAlarms) return;
    synthesised
      .template(edgeAlarms)
      .hasResourceProperties('AWS::CloudWatch::Alarm', blockedRequestsAlarm);
  });

  it('notifies the alarm email from each region through an encrypted-in-transit topic', () => {
    // Assess
    for (const stack of [synthesised.service, synthesised.edgeAlarms]) {
      if (!stack) throw new Error('missing stack');
      const template = synthesised.template(stack);
      const topic = onlyResource(template, 'AWS::SNS::Topic');
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: topic.id },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
      // All but the new-version alarms, which only stop a canary (canary-release.ts).
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        const onlyForReleases = alarm.Properties.AlarmName.endsWith('-new-version-errors');
        expect(alarm.Properties.AlarmActions).toEqual(
          onlyForReleases ? undefined : [{ Ref: topic.id }],
        );
      }
    }
  });

  it('leaves no AwsSolutions finding unacknowledged', () => {
    // Assess
    expect(synthesised.unacknowledgedFindings()).toEqual([]);
  });
});

describe('RavnActivateStack in us-east-1 with WAF and a custom domain', () => {
  const { synthesised, template } = useSynthesisedApp({
    region: 'us-east-1',
    enableWaf: true,
    certificateArn: CERTIFICATE_ARN,
    domainName: 'activate.example.com',
    corsOrigins: 'https://ravn.example.com, https://app.example.com',
    originSecretRotation: '2026-11-23',
    wafManagedRules: { commonRuleSet: 'block' },
  });

  it('is one stack: no separate WAF or edge alarm stack', () => {
    // Assess
    expect(synthesised.waf).toBeUndefined();
    expect(synthesised.edgeAlarms).toBeUndefined();
    expect(synthesised.app.synth().stacks.map((stack) => stack.stackName)).toEqual([
      'RavnActivate',
    ]);
  });

  it('creates the web ACL with the managed rules chosen in the stack and attaches it to the distribution', () => {
    // Prepare
    const acl = assertWebAcl(template, {
      AWSManagedRulesAmazonIpReputationList: 'None',
      AWSManagedRulesKnownBadInputsRuleSet: 'None',
      AWSManagedRulesCommonRuleSet: 'None',
    });
    const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

    // Assess
    expect(properties.DistributionConfig.WebACLId).toEqual({ 'Fn::GetAtt': [acl.id, 'Arn'] });
  });

  it('serves the custom domain with its certificate, TLS 1.2 or later, by SNI', () => {
    // Prepare
    const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

    // Assess
    expect(properties.DistributionConfig.Aliases).toEqual(['activate.example.com']);
    expect(properties.DistributionConfig.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE_ARN,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('updates the distribution, so CloudFront re-reads the origin secret, when the rotation changes', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Comment: 'ravn-activate API (origin secret 2026-11-23)',
      }),
    });
  });

  it('gives LemonSqueezy the webhook URL on the custom domain', () => {
    // Assess
    template.hasOutput('WebhookUrl', { Value: 'https://activate.example.com/v1/webhook' });
  });

  it('allows exactly the listed CORS origins, at CloudFront and on both client function URLs', () => {
    // Prepare
    const origins = ['https://ravn.example.com', 'https://app.example.com'];
    const policies = Object.values(
      template.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    );
    const urls = Object.values(template.findResources('AWS::Lambda::Url'));

    // Assess: the client paths' policy and the activate and validate URLs; not the webhook.
    expect(
      policies.map((policy) => policy.Properties.ResponseHeadersPolicyConfig.CorsConfig),
    ).toEqual(
      expect.arrayContaining([
        undefined,
        {
          AccessControlAllowCredentials: false,
          AccessControlAllowHeaders: { Items: ['content-type'] },
          AccessControlAllowMethods: { Items: ['POST', 'OPTIONS'] },
          AccessControlAllowOrigins: { Items: origins },
          AccessControlMaxAgeSec: 3600,
          OriginOverride: true,
        },
      ]),
    );
    expect(urls.map((url) => url.Properties.Cors).filter(Boolean)).toEqual([
      {
        AllowOrigins: origins,
        AllowMethods: ['POST'],
        AllowHeaders: ['content-type'],
        MaxAge: 3600,
      },
      {
        AllowOrigins: origins,
        AllowMethods: ['POST'],
        AllowHeaders: ['content-type'],
        MaxAge: 3600,
      },
    ]);
  });

  it('lets OPTIONS through the method guard to the function URLs, and warns of nothing', () => {
    // Prepare
    const guard = onlyResource(template, 'AWS::CloudFront::Function');

    // Assess
    expect(guard.properties.FunctionCode).toBe(methodGuardCode({ passPreflights: true }));
    expect(
      Annotations.fromStack(synthesised.service).findWarning('*', Match.stringLikeRegexp('cors')),
    ).toEqual([]);
  });

  it('keeps the CloudFront and WAF alarms in the stack, without notifications', () => {
    // Prepare
    const { id: distributionId } = onlyResource(template, 'AWS::CloudFront::Distribution');

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xxErrorRate',
      Threshold: 1,
      Dimensions: Match.arrayWith([{ Name: 'DistributionId', Value: { Ref: distributionId } }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', blockedRequestsAlarm);
    // An error-rate alarm per function (activate, validate, webhook, reaper, reconciler, admin),
    // the table's throttling, CloudFront 5xx and WAF blocks, the upstream error rate, the
    // credit issued per hour and LemonSqueezy refusals not confirmed yet; and per function
    // behind CloudFront, its URL's 5xx rate and its new version's errors (release-canary.test.ts).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 18);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('leaves no AwsSolutions finding unacknowledged', () => {
    // Assess
    expect(synthesised.unacknowledgedFindings()).toEqual([]);
  });
});

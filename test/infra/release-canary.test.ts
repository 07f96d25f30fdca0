import { describe, expect, it } from 'vitest';
import { CANARY, LIVE_ALIAS } from '#config/release.ts';
import { alarmId, deploymentGroupOf, RELEASED, released } from '#test/infra/release-queries.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { onlyResource } from '#test/infra/template-queries.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is read freely, then asserted.
type Json = any;

const ALL_AT_ONCE_ONLY = ['ravn-admin', 'ravn-reaper', 'ravn-reconciler'] as const;
const CANARY_CONFIG = `CodeDeployDefault.LambdaCanary${CANARY.percent}Percent${CANARY.minutes}Minutes`;

// The default: releaseStrategy canary. The templates alone matter here: no bundling.
describe('a release with the canary (the default)', () => {
  const { synthesised, template } = useSynthesisedApp({ region: 'eu-west-1' });

  it.each(RELEASED)('publishes a version of %s and points its live alias at it', (name) => {
    // Prepare
    const { version, alias } = released(template, name);

    // Assess
    expect(alias.properties.Name).toBe(LIVE_ALIAS);
    expect(alias.properties.FunctionVersion).toEqual({ 'Fn::GetAtt': [version.id, 'Version'] });
  });

  it.each(RELEASED)('serves %s on a function URL of the alias, none of the function', (name) => {
    // Prepare: onlyResource throws if the function had a second URL.
    const { url } = released(template, name);

    // Assess
    expect(url.properties.Qualifier).toBe(LIVE_ALIAS);
    expect(url.properties.AuthType).toBe('NONE');
  });

  it.each(RELEASED)('lets the public invoke the alias of %s, not the function', (name) => {
    // Prepare
    const { fn, alias } = released(template, name);
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    const invokes = (target: string) =>
      permissions
        .filter((permission: Json) => permission.Properties.FunctionName.Ref === target)
        .map((permission: Json) => permission.Properties.Action)
        .sort();

    // Assess
    expect(invokes(alias.id)).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    expect(invokes(fn.id)).toEqual([]);
  });

  it('gives CloudFront the three alias URLs as its origins', () => {
    // Prepare
    const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');
    const originUrls = properties.DistributionConfig.Origins.map(
      (origin: Json) => origin.DomainName['Fn::Select'][1]['Fn::Split'][1]['Fn::GetAtt'][0],
    );

    // Assess
    expect(originUrls.sort()).toEqual(
      RELEASED.map((name) => released(template, name).url.id).sort(),
    );
  });

  it.each(RELEASED)('moves %s with a canary: 10 % of requests for 5 minutes', (name) => {
    // Prepare
    const group = deploymentGroupOf(template, name);

    // Assess
    expect(group.properties.DeploymentConfigName).toBe(CANARY_CONFIG);
    expect(group.properties.DeploymentStyle).toEqual({
      DeploymentOption: 'WITH_TRAFFIC_CONTROL',
      DeploymentType: 'BLUE_GREEN',
    });
  });

  it.each(RELEASED)(
    'stops and rolls back %s on its error-rate, URL 5xx and new-version alarms',
    (name) => {
      // Prepare
      const { properties } = deploymentGroupOf(template, name);
      const expected = ['error-rate', '5xx-rate', 'new-version-errors'].map((suffix) => ({
        Name: { Ref: alarmId(template, `${name}-${suffix}`) },
      }));

      // Assess
      expect(properties.AlarmConfiguration.Enabled).toBe(true);
      expect(properties.AlarmConfiguration.Alarms).toEqual(expect.arrayContaining(expected));
      expect(properties.AlarmConfiguration.Alarms).toHaveLength(3);
      expect(properties.AutoRollbackConfiguration).toEqual({
        Enabled: true,
        Events: expect.arrayContaining([
          'DEPLOYMENT_STOP_ON_ALARM',
          'DEPLOYMENT_FAILURE',
          'DEPLOYMENT_STOP_ON_REQUEST',
        ]),
      });
    },
  );

  it.each(RELEASED)('watches the errors of the version %s is moving to, by the minute', (name) => {
    // Prepare
    const { version, alias } = released(template, name);
    const alarm = onlyResource(template, 'AWS::CloudWatch::Alarm', {
      AlarmName: `${name}-new-version-errors`,
    });

    // Assess: one failed invocation of the new version in a minute stops the canary.
    expect(alarm.properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
    expect(alarm.properties.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'FunctionName', Value: name },
        { Name: 'Resource', Value: `${name}:${LIVE_ALIAS}` },
        { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [version.id, 'Version'] } },
      ]),
    );
    // It notifies nobody, and watches the new version before the alias moves.
    expect(alarm.properties.AlarmActions).toBeUndefined();
    expect(template.toJSON().Resources[alias.id].DependsOn).toContain(alarm.id);
  });

  it.each(RELEASED)('reads the 5xx answers of the URL of %s by the minute', (name) => {
    // Prepare
    const { fn } = released(template, name);
    const alarm = onlyResource(template, 'AWS::CloudWatch::Alarm', {
      AlarmName: `${name}-5xx-rate`,
    });
    const metrics = alarm.properties.Metrics.filter((metric: Json) => metric.MetricStat);

    // Assess
    expect(metrics.map((metric: Json) => metric.MetricStat.Metric.MetricName).sort()).toEqual([
      'Url5xxCount',
      'UrlRequestCount',
    ]);
    for (const { MetricStat } of metrics) {
      expect(MetricStat.Period).toBe(60);
      expect(MetricStat.Metric.Dimensions).toEqual([
        { Name: 'FunctionName', Value: { Ref: fn.id } },
      ]);
    }
    expect(alarm.properties).toMatchObject({
      Threshold: 5,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it('puts the three deployment groups in one CodeDeploy application', () => {
    // Prepare
    const application = onlyResource(template, 'AWS::CodeDeploy::Application', {
      ComputePlatform: 'Lambda',
    });
    const groups = Object.values(template.findResources('AWS::CodeDeploy::DeploymentGroup'));

    // Assess
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group.Properties.ApplicationName).toEqual({ Ref: application.id });
    }
  });

  it.each(RELEASED)(
    'lets CodeDeploy move the alias of %s and read its alarms, nothing else',
    (name) => {
      // Prepare
      const { fn, alias } = released(template, name);
      const { properties } = deploymentGroupOf(template, name);
      const roleId = properties.ServiceRoleArn['Fn::GetAtt'][0];
      const role = template.toJSON().Resources[roleId];
      const alarmArns = properties.AlarmConfiguration.Alarms.map((alarm: Json) => ({
        'Fn::GetAtt': [alarm.Name.Ref, 'Arn'],
      }));

      // Assess: no AWS managed policy (its actions are on "*"), no policy of its own elsewhere.
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
        Service: 'codedeploy.amazonaws.com',
      });
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const [lambda, cloudwatch] = role.Properties.Policies[0].PolicyDocument.Statement;
      expect(lambda.Action).toEqual(
        expect.arrayContaining(['lambda:GetAlias', 'lambda:UpdateAlias']),
      );
      expect(lambda.Resource).toEqual([{ 'Fn::GetAtt': [fn.id, 'Arn'] }, { Ref: alias.id }]);
      expect(cloudwatch.Action).toBe('cloudwatch:DescribeAlarms');
      expect(cloudwatch.Resource).toEqual(expect.arrayContaining(alarmArns));
      expect(cloudwatch.Resource).toHaveLength(alarmArns.length);
      const policies = Object.values(template.findResources('AWS::IAM::Policy'));
      expect(policies.filter((policy: Json) => policy.Properties.Roles[0].Ref === roleId)).toEqual(
        [],
      );
    },
  );

  it.each(ALL_AT_ONCE_ONLY)('gives %s no version, alias or deployment group', (name) => {
    // Prepare
    const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name });
    const refersToFunction = (type: string) =>
      Object.values(template.findResources(type)).filter(
        (resource: Json) => resource.Properties.FunctionName?.Ref === fn.id,
      );

    const urls = Object.values(template.findResources('AWS::Lambda::Url')).filter(
      (url: Json) => url.Properties.TargetFunctionArn['Fn::GetAtt'][0] === fn.id,
    );

    // Assess: a deployment group moves an alias, and there is none to move.
    expect(refersToFunction('AWS::Lambda::Version')).toEqual([]);
    expect(refersToFunction('AWS::Lambda::Alias')).toEqual([]);
    for (const url of urls) expect(url.Properties.Qualifier).toBeUndefined();
  });

  it.each([
    ['ravn-activate', 20],
    ['ravn-validate', 100],
    ['ravn-webhook', 10],
  ])(
    'still reserves concurrency for %s on the function, shared by its versions',
    (name, reserved) => {
      // Prepare
      const { fn, alias } = released(template, name);

      // Assess
      expect(fn.properties.ReservedConcurrentExecutions).toBe(reserved);
      expect(alias.properties.ProvisionedConcurrencyConfig).toBeUndefined();
    },
  );

  it.each(RELEASED)('keeps the previous version of %s for a rollback by hand', (name) => {
    // Prepare
    const { version } = released(template, name);

    // Assess
    expect(template.toJSON().Resources[version.id].DeletionPolicy).toBe('Retain');
  });

  it('keeps the logical ids of the functions, so that none is replaced', () => {
    // Assess
    expect(RELEASED.map((name) => released(template, name).fn.id)).toEqual([
      'ApiActivate9612FCCF',
      'ApiValidateD941CC72',
      'ApiWebhook648E4F54',
    ]);
  });

  it('leaves no AwsSolutions finding unacknowledged', () => {
    // Assess
    expect(synthesised.unacknowledgedFindings()).toEqual([]);
  });
});

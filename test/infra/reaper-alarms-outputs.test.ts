import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { onlyResource } from '#test/infra/template-queries.ts';

const FUNCTIONS = [
  'ravn-activate',
  'ravn-validate',
  'ravn-webhook',
  'ravn-reaper',
  'ravn-reconciler',
  'ravn-admin',
] as const;

// The default deployment: eu-west-1, no WAF, no custom domain, no alarm email.
describe('RavnActivateStack reaper, alarms and outputs', () => {
  const { synthesised, template } = useSynthesisedApp({ region: 'eu-west-1' });

  describe('key reaper', () => {
    it('runs ravn-reaper every 15 minutes from EventBridge, with no URL and no origin secret', () => {
      // Prepare
      const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: 'ravn-reaper' });

      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(15 minutes)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] } })],
      });
      expect(fn.properties.Environment.Variables.ORIGIN_SECRET_ARN).toBeUndefined();
      const urls = Object.values(template.findResources('AWS::Lambda::Url'));
      expect(urls.some((url) => JSON.stringify(url).includes(fn.id))).toBe(false);
    });

    it('runs ravn-reconciler daily from EventBridge, with no URL, for up to 15 minutes', () => {
      // Prepare
      const fn = onlyResource(template, 'AWS::Lambda::Function', {
        FunctionName: 'ravn-reconciler',
      });

      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 day)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] } })],
      });
      expect(fn.properties.Timeout).toBe(900);
      expect(fn.properties.ReservedConcurrentExecutions).toBe(1);
      const urls = Object.values(template.findResources('AWS::Lambda::Url'));
      expect(urls.some((url) => JSON.stringify(url).includes(fn.id))).toBe(false);
    });

    it('gives ravn-reaper minutes, not the 25 s of the functions behind CloudFront', () => {
      // Prepare
      const reaper = onlyResource(template, 'AWS::Lambda::Function', {
        FunctionName: 'ravn-reaper',
      });
      const validate = onlyResource(template, 'AWS::Lambda::Function', {
        FunctionName: 'ravn-validate',
      });

      // Assess: 20 releases a run, one every 2 s, fit with room to spare; a run ends before the
      // next one (15 minutes) starts.
      expect(reaper.properties.Timeout).toBe(300);
      expect(validate.properties.Timeout).toBe(25);
    });
  });

  describe('alarms', () => {
    it.each(FUNCTIONS)('alarms when more than 5 %% of %s invocations fail', (name) => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${name}-error-rate`,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: '100 * errors / invocations' }),
          Match.objectLike({
            Id: 'errors',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: 'Errors', Namespace: 'AWS/Lambda' }),
            }),
          }),
          Match.objectLike({
            Id: 'invocations',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: 'Invocations' }),
            }),
          }),
        ]),
      });
    });

    it('alarms on any DynamoDB throttling, missing operations counted as 0', () => {
      // Prepare
      const alarm = onlyResource(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: 'ravn-activate-table-throttled',
      });
      // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
      const metrics = alarm.properties.Metrics as any[];

      // Assess
      expect(alarm.properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(metrics[0].Expression).toMatch(
        /^FILL\(getitem, 0\) \+ .*FILL\(transactwriteitems, 0\)$/,
      );
      expect(metrics.length).toBeLessThanOrEqual(11);
      for (const metric of metrics.slice(1)) {
        expect(metric.MetricStat.Metric.MetricName).toBe('ThrottledRequests');
      }
    });

    it('notifies no one without alarmEmail', () => {
      // Assess
      template.resourceCountIs('AWS::SNS::Topic', 0);
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
      }
    });

    it('puts the CloudFront 5xx alarm in a us-east-1 stack, where CloudFront metrics are', () => {
      // Prepare
      const edgeAlarms = synthesised.edgeAlarms;

      // Assess
      expect(edgeAlarms?.region).toBe('us-east-1');
      const here = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(JSON.stringify(here)).not.toContain('AWS/CloudFront');
      if (!edgeAlarms) return;
      synthesised.template(edgeAlarms).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/CloudFront',
        MetricName: '5xxErrorRate',
        Statistic: 'Average',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: Match.arrayWith([
          {
            Name: 'DistributionId',
            Value: {
              'Fn::GetStackOutput': Match.objectLike({
                StackName: 'RavnActivate',
                Region: 'eu-west-1',
              }),
            },
          },
          { Name: 'Region', Value: 'Global' },
        ]),
      });
    });
  });

  describe('outputs', () => {
    it('outputs the CloudFront domain, the table name and the webhook URL', () => {
      // Prepare
      const { id: distributionId } = onlyResource(template, 'AWS::CloudFront::Distribution');

      // Assess
      template.hasOutput('DistributionDomainName', {
        Value: { 'Fn::GetAtt': [distributionId, 'DomainName'] },
      });
      template.hasOutput('TableName', { Value: { Ref: 'LicenseTableC8E670A7' } });
      template.hasOutput('WebhookUrl', {
        Value: {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/v1/webhook'],
          ],
        },
      });
    });
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CREDIT_ALARM_USD_PER_HOUR,
  DEFAULT_REFUSAL_ALARM_LICENSES,
} from '#config/deploy-settings.ts';
import { METRICS, METRICS_NAMESPACE } from '#config/metrics.ts';
import { DASHBOARD_NAME } from '#lib/constructs/dashboard.ts';
import { UPSTREAM_ERROR_RATE_PERCENT, UPSTREAM_MIN_CALLS } from '#lib/constructs/metric-alarms.ts';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { onlyResource } from '#test/infra/template-queries.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is read freely, then asserted.
type Json = any;

/** The metric a query of an alarm's `Metrics` reads, by its metric name. */
function metricStat(alarm: Json, name: string): Json {
  return alarm.Metrics.find((query: Json) => query.MetricStat?.Metric.MetricName === name)
    ?.MetricStat;
}

/** The dashboard body, with the alarm ARNs (Fn::GetAtt) written as their logical ids. */
function dashboardBody(resource: Json): string {
  const parts = resource.DashboardBody['Fn::Join'][1] as Json[];
  return parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('metrics: the dashboard and the alarms on the service metrics', () => {
  describe('with the default settings', () => {
    const { template } = useSynthesisedApp({ region: 'eu-west-1' });

    it('alarms when more than 20 % of at least 10 upstream calls fail, twice in a row', () => {
      // Prepare
      const alarm = onlyResource(template, 'AWS::CloudWatch::Alarm', {
        AlarmName: 'ravn-activate-upstream-error-rate',
      }).properties;

      // Assess
      expect(alarm).toMatchObject({
        Threshold: UPSTREAM_ERROR_RATE_PERCENT,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
      const expression = alarm.Metrics.find((query: Json) => query.Expression).Expression;
      expect(expression).toContain(`>= ${UPSTREAM_MIN_CALLS}`);
      for (const name of ['UpstreamErrors', 'UpstreamCalls']) {
        // The dimensionless deployment total: every function counts without being named.
        expect(metricStat(alarm, name)).toEqual({
          Metric: { Namespace: METRICS_NAMESPACE, MetricName: name },
          Period: 300,
          Stat: 'Sum',
        });
        expect(METRICS[name as 'UpstreamCalls']).toMatchObject({ total: true });
      }
    });

    it(`alarms on credit issued above ${DEFAULT_CREDIT_ALARM_USD_PER_HOUR} USD in an hour by default`, () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'ravn-activate-credit-issued',
        Namespace: METRICS_NAMESPACE,
        MetricName: 'CreditIssuedUsd',
        Statistic: 'Sum',
        Period: 3600,
        Threshold: DEFAULT_CREDIT_ALARM_USD_PER_HOUR,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: Match.absent(),
      });
    });

    it(`alarms when ${DEFAULT_REFUSAL_ALARM_LICENSES} licenses get an unconfirmed LemonSqueezy refusal in 5 minutes`, () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'ravn-activate-unconfirmed-refusals',
        Namespace: METRICS_NAMESPACE,
        MetricName: 'UnconfirmedRefusals',
        Statistic: 'Sum',
        Period: 300,
        Threshold: DEFAULT_REFUSAL_ALARM_LICENSES,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        // The deployment total: the validate, reconciler and admin functions all count.
        Dimensions: Match.absent(),
      });
      expect(METRICS.UnconfirmedRefusals).toMatchObject({ total: true });
    });

    it('shows every alarm of the stack and a graph of every metric on one dashboard', () => {
      // Prepare
      const dashboard = onlyResource(template, 'AWS::CloudWatch::Dashboard', {
        DashboardName: DASHBOARD_NAME,
      });
      const body = dashboardBody(dashboard.properties);
      const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));

      // Assess
      expect(alarmIds.length).toBeGreaterThanOrEqual(8);
      for (const id of alarmIds) expect(body).toContain(id);
      for (const name of Object.keys(METRICS)) {
        expect(body).toContain(`MetricName=\\"${name}\\"`);
      }
      expect(body).toContain(`{${METRICS_NAMESPACE},Status,Code,service}`);
    });
  });

  describe('with creditAlarmUsdPerHour and refusalAlarmLicenses set', () => {
    const { template } = useSynthesisedApp({
      region: 'eu-west-1',
      creditAlarmUsdPerHour: '250',
      refusalAlarmLicenses: '20',
    });

    it('alarms at the configured thresholds', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'ravn-activate-credit-issued',
        Threshold: 250,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'ravn-activate-unconfirmed-refusals',
        Threshold: 20,
      });
    });
  });
});

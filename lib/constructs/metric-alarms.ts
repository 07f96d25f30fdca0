import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  ComparisonOperator,
  type IAlarmAction,
  MathExpression,
  Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, type MetricName } from '#config/metrics.ts';
import { ALARM_PERIOD, AlarmGroup } from './alarm-group.ts';

/** Percent of upstream calls that may fail, in each of two 5-minute periods in a row. */
export const UPSTREAM_ERROR_RATE_PERCENT = 20;

/** Below this many upstream calls in 5 minutes there is no rate: one failure is not 100 %. */
export const UPSTREAM_MIN_CALLS = 10;

/** The period of the money alarm. */
export const CREDIT_PERIOD = Duration.hours(1);

export interface MetricAlarmsProps {
  /** USD of AI credit issued in one hour above which the money alarm fires. */
  readonly creditUsdPerHour: number;
  /** Licenses with an unconfirmed LemonSqueezy refusal in 5 minutes at which the refusal alarm fires. */
  readonly refusalLicenses: number;
  readonly action?: IAlarmAction | undefined;
}

/**
 * Alarms on the service's own metrics (config/metrics.ts), read from their dimensionless
 * deployment totals, so every function counts without being named: the share of LemonSqueezy
 * and OpenRouter calls that failed, the AI credit issued per hour (a money alarm), and the
 * licenses LemonSqueezy refused without confirmation (a LemonSqueezy incident).
 */
export class MetricAlarms extends AlarmGroup {
  /** More than UPSTREAM_ERROR_RATE_PERCENT of upstream calls failed. */
  readonly upstreamErrorRate: Alarm;
  /** More than `creditUsdPerHour` of credit issued in an hour. */
  readonly creditIssued: Alarm;
  /** At least `refusalLicenses` licenses refused by LemonSqueezy, unconfirmed, in 5 minutes. */
  readonly unconfirmedRefusals: Alarm;

  constructor(scope: Construct, id: string, props: MetricAlarmsProps) {
    super(scope, id, props.action);
    const calls = 'FILL(calls, 0)';
    const errorRate = new MathExpression({
      expression: `IF(${calls} >= ${UPSTREAM_MIN_CALLS}, 100 * FILL(errors, 0) / ${calls}, 0)`,
      usingMetrics: {
        errors: deploymentTotal('UpstreamErrors', ALARM_PERIOD),
        calls: deploymentTotal('UpstreamCalls', ALARM_PERIOD),
      },
      label: 'Upstream calls failed (%)',
      period: ALARM_PERIOD,
    });
    this.upstreamErrorRate = this.addAlarm('upstream-error-rate', {
      alarmName: 'ravn-activate-upstream-error-rate',
      alarmDescription: `More than ${UPSTREAM_ERROR_RATE_PERCENT} % of LemonSqueezy and OpenRouter calls failed (no answer, 429/5xx, or an answer we could not use) in two 5-minute periods in a row, with at least ${UPSTREAM_MIN_CALLS} calls in each.`,
      metric: errorRate,
      threshold: UPSTREAM_ERROR_RATE_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });

    this.creditIssued = this.addAlarm('credit-issued', {
      alarmName: 'ravn-activate-credit-issued',
      alarmDescription: `More than ${props.creditUsdPerHour} USD of OpenRouter credit was put on newly issued keys in one hour (deploy setting creditAlarmUsdPerHour).`,
      metric: deploymentTotal('CreditIssuedUsd', CREDIT_PERIOD),
      threshold: props.creditUsdPerHour,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    // Each license counts once, when its refusal is first marked: the Sum is licenses, not reads.
    this.unconfirmedRefusals = this.addAlarm('unconfirmed-refusals', {
      alarmName: 'ravn-activate-unconfirmed-refusals',
      alarmDescription: `At least ${props.refusalLicenses} licenses held usable were refused by LemonSqueezy (404 or disabled/expired with no webhook) in 5 minutes, not confirmed yet: likely a LemonSqueezy incident; their stored facts are kept until a read 5 minutes later confirms (deploy setting refusalAlarmLicenses).`,
      metric: deploymentTotal('UnconfirmedRefusals', ALARM_PERIOD),
      threshold: props.refusalLicenses,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }
}

/** A metric's dimensionless total over the deployment, summed over `period`. */
export function deploymentTotal(name: MetricName, period: Duration): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName: name, statistic: 'Sum', period });
}

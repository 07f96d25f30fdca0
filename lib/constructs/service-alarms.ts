import {
  type Alarm,
  ComparisonOperator,
  type IAlarmAction,
  MathExpression,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ALARM_PERIOD, AlarmGroup, RELEASE_ALARM_PERIOD } from './alarm-group.ts';

/** Percent of invocations that may fail (crash, time out, fail to start) in 5 minutes. */
export const FUNCTION_ERROR_RATE_PERCENT = 5;

/** Percent of a function URL's answers that may be 5xx in a minute. */
export const URL_5XX_RATE_PERCENT = 5;

/** Below this many requests to a function URL in a minute there is no 5xx rate. */
export const URL_MIN_REQUESTS = 10;

// The operations the functions send (ThrottledRequests has one series per operation; an alarm
// may use at most 10 metrics).
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

export interface ServiceAlarmsProps {
  /** Functions by physical name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Names of those whose function URL CloudFront calls: each also gets a 5xx-rate alarm. */
  readonly behindCloudFront: readonly string[];
  readonly table: Table;
  readonly action?: IAlarmAction | undefined;
}

/**
 * Alarms on the regional part of the service: each function's error rate, the 5xx rate of the
 * function URLs behind CloudFront, and DynamoDB throttling. Lambda `Errors` counts invocations
 * that failed as a whole (an unhandled throw, a timeout, a cold start with bad configuration);
 * an answered 500 (an unexpected throw the code caught) or 503 is no error but a URL 5xx.
 */
export class ServiceAlarms extends AlarmGroup {
  /** The alarms on one function, by its name: what stops its canary release. */
  readonly byFunction = new Map<string, Alarm[]>();

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id, props.action);
    for (const [name, fn] of Object.entries(props.functions)) {
      const errorRate = new MathExpression({
        expression: '100 * errors / invocations',
        usingMetrics: {
          errors: fn.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD }),
          invocations: fn.metricInvocations({ statistic: 'Sum', period: ALARM_PERIOD }),
        },
        label: `${name} error rate (%)`,
        period: ALARM_PERIOD,
      });
      // No invocations means no rate, not an outage: the group treats missing data as fine.
      const errorRateAlarm = this.addAlarm(`${name}-error-rate`, {
        alarmName: `${name}-error-rate`,
        alarmDescription: `More than ${FUNCTION_ERROR_RATE_PERCENT} % of ${name} invocations failed (crash, timeout or bad configuration) in 5 minutes.`,
        metric: errorRate,
        threshold: FUNCTION_ERROR_RATE_PERCENT,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      this.byFunction.set(name, [errorRateAlarm]);
    }
    for (const name of props.behindCloudFront) {
      const fn = props.functions[name];
      if (!fn) throw new Error(`ServiceAlarms: no function ${name} among the functions`);
      this.byFunction.get(name)?.push(this.addUrl5xxAlarm(name, fn));
    }
    // DynamoDB publishes ThrottledRequests only for operations that were throttled, and metric
    // math adds series only where all have data: FILL makes the others count as 0.
    const perOperation = Object.fromEntries(
      TABLE_OPERATIONS.map((operation) => [
        operation.toLowerCase(),
        props.table.metricThrottledRequestsForOperation(operation, {
          statistic: 'Sum',
          period: ALARM_PERIOD,
        }),
      ]),
    );
    const throttled = new MathExpression({
      expression: Object.keys(perOperation)
        .map((id) => `FILL(${id}, 0)`)
        .join(' + '),
      usingMetrics: perOperation,
      label: 'Throttled requests (all operations)',
      period: ALARM_PERIOD,
    });
    this.addAlarm('table-throttled', {
      alarmName: 'ravn-activate-table-throttled',
      alarmDescription: 'DynamoDB throttled requests to the license table in the last 5 minutes.',
      metric: throttled,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /**
   * The regional 5xx alarm of a function behind CloudFront. CloudFront's own 5xx alarm lives in
   * us-east-1, out of CodeDeploy's reach for a service elsewhere, and needs 10 minutes to fire;
   * this one reads the function URL's answers by the minute, so that it can stop a canary. At
   * 10 % of the traffic, a new version that answers only 5xx makes about 10 % of them. Upstream
   * outages count too (503), as they do at CloudFront.
   */
  private addUrl5xxAlarm(name: string, fn: IFunction): Alarm {
    // The FunctionName dimension sums the function's URLs: its one URL, on the live alias.
    const answers = (metricName: string) =>
      fn.metric(metricName, { statistic: 'Sum', period: RELEASE_ALARM_PERIOD });
    const requests = 'FILL(requests, 0)';
    const rate = new MathExpression({
      expression: `IF(${requests} >= ${URL_MIN_REQUESTS}, 100 * FILL(failed, 0) / ${requests}, 0)`,
      usingMetrics: { failed: answers('Url5xxCount'), requests: answers('UrlRequestCount') },
      label: `${name} URL answers 5xx (%)`,
      period: RELEASE_ALARM_PERIOD,
    });
    return this.addAlarm(`${name}-5xx-rate`, {
      alarmName: `${name}-5xx-rate`,
      alarmDescription: `More than ${URL_5XX_RATE_PERCENT} % of the answers of ${name}'s function URL were 5xx (an unexpected error, a crash or timeout, an upstream or DynamoDB outage) in 2 of the last 3 minutes, with at least ${URL_MIN_REQUESTS} requests in each.`,
      metric: rate,
      threshold: URL_5XX_RATE_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
  }
}

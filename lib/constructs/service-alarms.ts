import { ComparisonOperator, type IAlarmAction, MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ALARM_PERIOD, AlarmGroup } from './alarm-group.ts';

/** Percent of invocations that may fail (crash, time out, fail to start) in 5 minutes. */
export const FUNCTION_ERROR_RATE_PERCENT = 5;

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
  readonly table: Table;
  readonly action?: IAlarmAction | undefined;
}

/**
 * Alarms on the regional part of the service: each function's error rate and DynamoDB
 * throttling. Lambda `Errors` counts invocations that failed as a whole (an unhandled throw, a
 * timeout, a cold start with bad configuration); answered 4xx/5xx responses are not errors.
 */
export class ServiceAlarms extends AlarmGroup {
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
      this.addAlarm(`${name}-error-rate`, {
        alarmName: `${name}-error-rate`,
        alarmDescription: `More than ${FUNCTION_ERROR_RATE_PERCENT} % of ${name} invocations failed (crash, timeout or bad configuration) in 5 minutes.`,
        metric: errorRate,
        threshold: FUNCTION_ERROR_RATE_PERCENT,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
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
}

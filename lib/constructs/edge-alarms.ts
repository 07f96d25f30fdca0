import { ComparisonOperator, type IAlarmAction, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { ALARM_PERIOD, AlarmGroup } from './alarm-group.ts';

/** Percent of CloudFront responses that may be 5xx over 5 minutes. */
export const EDGE_5XX_RATE_PERCENT = 1;

/** Requests the web ACL may block in 5 minutes before someone should look. */
export const WAF_BLOCKED_PER_5_MINUTES = 100;

export interface EdgeAlarmsProps {
  readonly distributionId: string;
  /** The web ACL's name, when WAF is on. */
  readonly webAclName?: string | undefined;
  readonly action?: IAlarmAction | undefined;
}

/**
 * Alarms on the edge: CloudFront's 5xx rate and, with WAF, a spike of blocked requests. Both
 * services publish these metrics in us-east-1 only, and an alarm watches its own region's
 * metrics, so this construct must live in a us-east-1 stack.
 */
export class EdgeAlarms extends AlarmGroup {
  constructor(scope: Construct, id: string, props: EdgeAlarmsProps) {
    super(scope, id, props.action);
    this.addAlarm('edge-5xx-rate', {
      alarmName: 'ravn-activate-edge-5xx-rate',
      alarmDescription: `More than ${EDGE_5XX_RATE_PERCENT} % of API responses were 5xx (upstream trouble, bugs, throttling) in 2 of the last 3 5-minute periods.`,
      metric: new Metric({
        namespace: 'AWS/CloudFront',
        metricName: '5xxErrorRate',
        dimensionsMap: { DistributionId: props.distributionId, Region: 'Global' },
        statistic: 'Average',
        period: ALARM_PERIOD,
      }),
      threshold: EDGE_5XX_RATE_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // One failed request among a handful is a blip; two bad periods in three are not.
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    if (props.webAclName) {
      this.addAlarm('waf-blocked-spike', {
        alarmName: 'ravn-activate-waf-blocked-spike',
        alarmDescription: `The web ACL blocked at least ${WAF_BLOCKED_PER_5_MINUTES} requests in 5 minutes (an attack, a runaway client, or a rule blocking real users).`,
        metric: new Metric({
          namespace: 'AWS/WAFV2',
          metricName: 'BlockedRequests',
          dimensionsMap: { WebACL: props.webAclName, Rule: 'ALL' },
          statistic: 'Sum',
          period: ALARM_PERIOD,
        }),
        threshold: WAF_BLOCKED_PER_5_MINUTES,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
  }
}

import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  AlarmWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IWidget,
  MathExpression,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS, METRICS_NAMESPACE, type MetricName, SERVICE_DIMENSION } from '#config/metrics.ts';
import type { MetricAlarms } from './metric-alarms.ts';

/** The dashboard's name in the CloudWatch console (one deployment per account and region). */
export const DASHBOARD_NAME = 'ravn-activate';

const PERIOD = Duration.minutes(5);

export interface ServiceDashboardProps {
  /** Every alarm of the stack, shown by state at the top. */
  readonly alarms: readonly IAlarm[];
  /** The alarms on the service's own metrics, each shown with its threshold. */
  readonly metricAlarms: MetricAlarms;
}

/**
 * One CloudWatch dashboard for operators: the state of every alarm, then the service's own
 * metrics (config/metrics.ts). Graphs use search expressions, so every function, code, call
 * point and event that published in the period shows up without being listed here.
 */
export class ServiceDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const { metricAlarms } = props;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: DASHBOARD_NAME,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      graph('Trials and activations', ['TrialsStarted', 'Activations', 'ActivationsRefused']),
      graph('Validates by status and code', ['Validates']),
      graph('AI keys', ['AiKeysIssued', 'AiKeysRevoked', 'AiKeysReEnabled']),
    );
    this.dashboard.addWidgets(
      graph('Credit issued (USD)', ['CreditIssuedUsd']),
      alarmGraph('Credit issued per hour (USD), alarm', metricAlarms.creditIssued),
      alarmGraph('Upstream calls failed (%), alarm', metricAlarms.upstreamErrorRate),
    );
    this.dashboard.addWidgets(
      graph('Upstream calls and errors by call point', ['UpstreamCalls', 'UpstreamErrors']),
      graph('Webhook events by type and outcome', ['WebhookEvents']),
      graph('Refused by the limits (RATE_LIMITED, UPSTREAM_BUSY)', ['RateLimited', 'UpstreamBusy']),
    );
    this.dashboard.addWidgets(
      graph('LemonSqueezy refusals not confirmed yet', ['UnconfirmedRefusals']),
      alarmGraph(
        'Licenses refused, unconfirmed, in 5 minutes, alarm',
        metricAlarms.unconfirmedRefusals,
      ),
      graph('Scheduled sweeps', [
        'LicensesReconciled',
        'IdleDevicesReleased',
        'SweepsStopped',
        'SweepsSkipped',
        'AiKeysSettled',
        'LostSeatsSettled',
        'RefundsRecovered',
      ]),
    );
  }
}

/** An alarm's metric with its threshold. */
function alarmGraph(title: string, alarm: IAlarm): IWidget {
  return new AlarmWidget({ title, alarm, width: 8, height: 6 });
}

/** A graph of `names`: one line per function and combination of their dimension values. */
function graph(title: string, names: readonly MetricName[]): IWidget {
  return new GraphWidget({
    title,
    left: names.map((name) => searchSum(name)),
    width: 8,
    height: 6,
  });
}

/**
 * Every series of metric `name` with exactly its dimensions (so not its dimensionless total),
 * each labelled with its dimension values.
 */
function searchSum(name: MetricName): MathExpression {
  const dimensions = [...METRICS[name].dimensions, SERVICE_DIMENSION];
  const schema = [METRICS_NAMESPACE, ...dimensions].join(',');
  const label = [name, ...dimensions.map((dimension) => `\${PROP('Dim.${dimension}')}`)];
  return new MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${name}"', 'Sum', ${PERIOD.toSeconds()})`,
    label: label.join(' '),
    period: PERIOD,
    usingMetrics: {},
  });
}

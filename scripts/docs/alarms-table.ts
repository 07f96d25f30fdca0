import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { parseDeploySettings } from '#config/deploy-settings.ts';
import { composeApp } from '#lib/app.ts';
import { ALARM_DESCRIPTION_SUFFIX } from '#lib/constructs/alarm-group.ts';
import { markdownTable } from '../../bench/stats.ts';
import { cell } from './markers.ts';

/** The deployment the table describes: default settings, outside us-east-1, WAF on. */
const DOCUMENTED_SETTINGS = { account: '123456789012', region: 'eu-west-1', enableWaf: true };

interface MetricStat {
  Metric: { Namespace: string; MetricName: string };
  Period: number;
  Stat: string;
}

interface AlarmProperties {
  AlarmName: string;
  AlarmDescription: string;
  ComparisonOperator: string;
  Threshold: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Namespace?: string;
  MetricName?: string;
  Statistic?: string;
  Period?: number;
  Metrics?: Array<{ Expression?: string; Label?: string; MetricStat?: MetricStat }>;
}

interface Template {
  Resources: Record<string, { Type: string; Properties: AlarmProperties }>;
}

/**
 * Every CloudWatch alarm of the app, from its synthesised templates with the stack each is in.
 * Bundling is skipped (`aws:cdk:bundling-stacks`): the functions' code plays no part in an alarm.
 */
function synthesisedAlarms(): Array<AlarmProperties & { stack: string }> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const outdir = mkdtempSync(join(tmpdir(), 'ravn-activate-docs-'));
  try {
    const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    composeApp(app, parseDeploySettings(DOCUMENTED_SETTINGS));
    return app.synth().stacks.flatMap((stack) =>
      Object.values((stack.template as Template).Resources)
        .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
        .map((resource) => ({ ...resource.Properties, stack: stack.stackName })),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** What an alarm watches: a metric, or a metric-math expression's label and its metrics. */
function metricCell(alarm: AlarmProperties): string {
  if (alarm.MetricName) return `${alarm.MetricName} (${alarm.Namespace}, ${alarm.Statistic})`;
  const expression = alarm.Metrics?.find((metric) => metric.Expression);
  const stats = (alarm.Metrics ?? []).flatMap((metric) =>
    metric.MetricStat ? [metric.MetricStat] : [],
  );
  const groups = new Map<string, string[]>();
  for (const { Metric, Stat } of stats) {
    const key = `${Metric.Namespace}, ${Stat}`;
    const names = groups.get(key) ?? [];
    if (!names.includes(Metric.MetricName)) names.push(Metric.MetricName);
    groups.set(key, names);
  }
  const from = [...groups].map(([key, names]) => `${names.join(', ')} (${key})`).join('; ');
  return `${expression?.Label ?? 'expression'}, from ${from}`;
}

const OPERATORS: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

function periodText(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
}

/** When an alarm fires: its threshold, and in how many of how many periods of what length. */
function firesWhenCell(alarm: AlarmProperties): string {
  const period =
    alarm.Period ?? alarm.Metrics?.find((metric) => metric.MetricStat)?.MetricStat?.Period ?? 0;
  const operator = OPERATORS[alarm.ComparisonOperator] ?? alarm.ComparisonOperator;
  const breaching = alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods;
  const over =
    alarm.EvaluationPeriods === 1
      ? `in a period of ${periodText(period)}`
      : breaching === alarm.EvaluationPeriods
        ? `in ${breaching} periods of ${periodText(period)} in a row`
        : `in ${breaching} of ${alarm.EvaluationPeriods} periods of ${periodText(period)}`;
  return `${operator} ${alarm.Threshold} ${over}`;
}

/**
 * docs/deploy.md's table: every alarm the synthesised app creates (default settings, WAF on,
 * outside us-east-1), what it watches, when it fires and its description, sorted by name.
 */
export function alarmsTable(): string {
  const alarms = synthesisedAlarms().sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1));
  return markdownTable(
    ['Alarm', 'Stack', 'Metric', 'Fires when', 'Meaning'],
    alarms.map((alarm) => [
      `\`${alarm.AlarmName}\``,
      alarm.stack,
      cell(metricCell(alarm)),
      firesWhenCell(alarm),
      cell(alarm.AlarmDescription.replace(ALARM_DESCRIPTION_SUFFIX, '')),
    ]),
  );
}

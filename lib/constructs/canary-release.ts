import { type Alarm, ComparisonOperator, type IAlarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  LambdaApplication,
  LambdaDeploymentConfig,
  LambdaDeploymentGroup,
} from 'aws-cdk-lib/aws-codedeploy';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Alias } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { LIVE_ALIAS, type ReleaseStrategy } from '#config/release.ts';
import { AlarmGroup, RELEASE_ALARM_PERIOD } from './alarm-group.ts';

/** One function CodeDeploy releases: its `live` alias and the alarms that stop its canary. */
export interface ReleasedFunction {
  /** The function's physical name, e.g. `ravn-validate`. */
  readonly name: string;
  readonly alias: Alias;
  /** Its error-rate and URL 5xx alarms (service-alarms.ts). */
  readonly alarms: readonly Alarm[];
}

export interface CanaryReleaseProps {
  readonly strategy: ReleaseStrategy;
  readonly functions: readonly ReleasedFunction[];
}

/**
 * How a deploy reaches the functions behind CloudFront (docs/releases.md). CloudFormation
 * publishes each function's new version and hands the move of its `live` alias to CodeDeploy,
 * one deployment group per function in one application. With `canary`, the new version gets
 * 10 % of requests for 5 minutes (CANARY in config/release.ts), then all of them, and CodeDeploy
 * moves the alias back if one of the function's alarms fires meanwhile: its error rate, its
 * URL's 5xx rate, or `<name>-new-version-errors`, made here. The deploy fails then, and
 * CloudFormation rolls the whole stack back. With `allAtOnce`, the alias moves at once and the
 * alarms are not consulted.
 *
 * The admin function and the scheduled jobs have no alias and change all at once: nobody's
 * requests wait on them, a failed scheduled run is simply run again, and an operator sees a
 * failed admin command at once.
 */
export class CanaryRelease extends AlarmGroup {
  readonly application: LambdaApplication;
  readonly groups = new Map<string, LambdaDeploymentGroup>();

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    // The new-version alarms notify nobody (see addNewVersionAlarm); the others already do.
    super(scope, id, undefined);
    const canary = props.strategy === 'canary';
    this.application = new LambdaApplication(this, 'Application');
    for (const { name, alias, alarms } of props.functions) {
      const alarmsOfRelease = [...alarms, this.addNewVersionAlarm(name, alias)];
      const group = new LambdaDeploymentGroup(this, `${name}-deployment`, {
        application: this.application,
        alias,
        deploymentConfig: canary
          ? LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES
          : LambdaDeploymentConfig.ALL_AT_ONCE,
        alarms: alarmsOfRelease,
        // All at once, the move is over before a datapoint of the new version exists: alarms
        // could only stop a deploy while they fire already, which is when a fix must get out.
        ignoreAlarmConfiguration: !canary,
        autoRollback: {
          failedDeployment: true,
          stoppedDeployment: true,
          deploymentInAlarm: canary,
        },
        // Without policy updates the group adds no AWS managed policy (whose UpdateAlias and
        // DescribeAlarms are on "*"): deploymentRole grants this alias and these alarms only.
        role: deploymentRole(this, name, alias, alarmsOfRelease).withoutPolicyUpdates(),
      });
      this.groups.set(name, group);
    }
  }

  /**
   * Errors of the version the alias is moving to, by the minute: a crash, timeout or failed
   * start of the new code, even when it is too rare among all requests to move the error rate.
   * One is enough: the version is minutes old, and a canary that stops for nothing costs a
   * deploy, while one that goes on ships the error to every client. Once the release is over,
   * the alarm goes on watching the live version, where one error is no incident: it notifies
   * nobody.
   */
  private addNewVersionAlarm(name: string, alias: Alias): Alarm {
    const alarm = this.addAlarm(`${name}-new-version-errors`, {
      alarmName: `${name}-new-version-errors`,
      alarmDescription: `The newest version of ${name}, the one a release moves the ${LIVE_ALIAS} alias to, failed at least once in a minute (crash, timeout, bad configuration). It stops a canary release; it notifies nobody.`,
      metric: new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensionsMap: {
          FunctionName: name,
          Resource: `${name}:${LIVE_ALIAS}`,
          ExecutedVersion: alias.version.version,
        },
        statistic: 'Sum',
        period: RELEASE_ALARM_PERIOD,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    // The alarm must watch the new version before CodeDeploy sends it a request.
    alias.node.addDependency(alarm);
    return alarm;
  }
}

/**
 * The role CodeDeploy moves one alias with: read and move that alias, and read the state of its
 * alarms. No hooks run, so it invokes nothing. The alias actions are granted on the function
 * too, the resource IAM names for them.
 */
function deploymentRole(
  scope: Construct,
  name: string,
  alias: Alias,
  alarms: readonly IAlarm[],
): Role {
  const fn = alias.version.lambda;
  return new Role(scope, `${name}-deployment-role`, {
    assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
    description: `CodeDeploy: moves ${name}'s ${LIVE_ALIAS} alias on a release`,
    inlinePolicies: {
      release: new PolicyDocument({
        statements: [
          new PolicyStatement({
            actions: [
              'lambda:GetAlias',
              'lambda:UpdateAlias',
              'lambda:GetProvisionedConcurrencyConfig',
            ],
            resources: [fn.functionArn, alias.functionArn],
          }),
          new PolicyStatement({
            actions: ['cloudwatch:DescribeAlarms'],
            resources: alarms.map((alarm) => alarm.alarmArn),
          }),
        ],
      }),
    },
  });
}

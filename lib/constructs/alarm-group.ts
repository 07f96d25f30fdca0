import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  type IAlarmAction,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** The period the service's alarms look at, but those that must fire during a canary. */
export const ALARM_PERIOD = Duration.minutes(5);

/**
 * The period of the alarms that stop a canary release: a 5-minute datapoint of the canary's
 * minutes is complete only when the canary is nearly over or already is.
 */
export const RELEASE_ALARM_PERIOD = Duration.minutes(1);

/** Ends every alarm's description: where an operator reads what to do about it. */
export const ALARM_DESCRIPTION_SUFFIX = ' See docs/deploy.md#alarms.';

export interface GroupAlarmProps extends Omit<AlarmProps, 'alarmName' | 'alarmDescription'> {
  readonly alarmName: string;
  /** What went wrong and its likely causes; the runbook link is added. */
  readonly alarmDescription: string;
}

/**
 * A set of alarms that notify one action (the alarm topic, when an email is configured). Missing
 * data counts as fine: no traffic is no outage.
 */
export class AlarmGroup extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly action: IAlarmAction | undefined,
  ) {
    super(scope, id);
  }

  protected addAlarm(id: string, props: GroupAlarmProps): Alarm {
    const alarm = new Alarm(this, id, {
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...props,
      alarmDescription: `${props.alarmDescription}${ALARM_DESCRIPTION_SUFFIX}`,
    });
    if (this.action) alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}

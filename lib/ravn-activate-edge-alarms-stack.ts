import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { EdgeAlarms } from './constructs/edge-alarms.ts';

export interface RavnActivateEdgeAlarmsStackProps extends StackProps {
  readonly distributionId: string;
  readonly webAclName?: string | undefined;
  readonly alarmEmail?: string | undefined;
}

/**
 * CloudFront and WAF alarms, in us-east-1 where those metrics are, for a service stack deployed
 * in another region. It has its own topic: an alarm notifies only a topic in its own region.
 */
export class RavnActivateEdgeAlarmsStack extends Stack {
  constructor(scope: Construct, id: string, props: RavnActivateEdgeAlarmsStackProps) {
    super(scope, id, props);
    const action = props.alarmEmail
      ? new AlarmTopic(this, 'Alarms', { email: props.alarmEmail }).action
      : undefined;
    new EdgeAlarms(this, 'EdgeAlarms', {
      distributionId: props.distributionId,
      webAclName: props.webAclName,
      action,
    });
  }
}

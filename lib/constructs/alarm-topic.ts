import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/**
 * Where alarms notify: an SNS topic with one email subscription (the operator confirms it from
 * the first message). Publishing is TLS only. The topic is not KMS-encrypted: CloudWatch cannot
 * publish to a topic under the AWS-managed SNS key, and notifications carry alarm names and
 * states, not data.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: { readonly email: string }) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'ravn-activate alarms',
      enforceSSL: true,
    });
    this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }
}

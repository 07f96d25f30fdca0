import type { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { ServiceFunction } from './service-function.ts';
import { PARAMETER_NAMES, type ServiceSecrets } from './service-secrets.ts';

export interface ScheduledJobProps {
  readonly table: ITable;
  readonly secrets: ServiceSecrets;
  /** Physical name, e.g. `ravn-reaper`. */
  readonly functionName: string;
  /** File under `lambda/handlers/` that exports `handler`. */
  readonly handlerFile: string;
  readonly description: string;
  readonly every: Duration;
  readonly timeout: Duration;
  /**
   * Reserved concurrency; 1 keeps runs from overlapping (two runs would walk the same items),
   * and a run the schedule starts while one is still going waits in Lambda's async queue. 0: none.
   */
  readonly reservedConcurrency: number;
}

/**
 * A function of this service that an EventBridge schedule runs and nothing else can reach (no
 * URL, no origin secret). The jobs walk the license items (Scan) and keep where each walk stopped
 * (PutItem), write licenses (UpdateItem) and call LemonSqueezy and OpenRouter with their keys.
 */
export class ScheduledJob extends Construct {
  readonly fn: ServiceFunction;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    this.fn = new ServiceFunction(this, 'Function', {
      functionName: props.functionName,
      handlerFile: props.handlerFile,
      description: props.description,
      timeout: props.timeout,
      environment: {
        TABLE_NAME: props.table.tableName,
        LEMONSQUEEZY_API_KEY_PARAM: PARAMETER_NAMES.lemonSqueezyApiKey,
        OPENROUTER_API_KEY_PARAM: PARAMETER_NAMES.openRouterApiKey,
        WEBHOOK_SECRET_PARAM: PARAMETER_NAMES.webhookSecret,
        POWERTOOLS_SERVICE_NAME: 'ravn-activate',
        LOG_LEVEL: 'INFO',
      },
      reservedConcurrency: props.reservedConcurrency,
    });
    props.table.grant(
      this.fn,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    );
    props.secrets.grantParameters(this.fn, ['lemonSqueezyApiKey', 'openRouterApiKey']);
    acknowledgeWildcardResource(
      this.fn.executionRole,
      `${props.table.tableArn}/index/*`,
      'CDK adds the index ARNs to every grant on a table with a GSI; the jobs scan the table itself and its index holds keys only, so this adds no access.',
    );
    new Rule(this, 'Schedule', {
      description: `Runs ${props.functionName}`,
      schedule: Schedule.rate(props.every),
      targets: [new LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
  }
}

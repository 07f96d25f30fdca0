import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { ServiceFunction } from './service-function.ts';
import { PARAMETER_NAMES, type ServiceSecrets } from './service-secrets.ts';

export interface KeyReaperProps {
  readonly table: ITable;
  readonly secrets: ServiceSecrets;
}

/** How often the reaper runs; a key it deletes is at least 15 minutes old (see the service). */
export const REAP_EVERY = Duration.minutes(15);

/**
 * `ravn-reaper`: deletes OpenRouter keys that no license holds (a create whose answer was lost,
 * a failed compensation). Not reachable over HTTP: an EventBridge schedule invokes it. It reads
 * licenses and deletes keys, nothing else.
 */
export class KeyReaper extends Construct {
  readonly fn: ServiceFunction;

  constructor(scope: Construct, id: string, props: KeyReaperProps) {
    super(scope, id);
    this.fn = new ServiceFunction(this, 'Function', {
      functionName: 'ravn-reaper',
      handlerFile: 'reaper.ts',
      description: 'ravn-reaper: deletes OpenRouter keys no license holds (scheduled)',
      environment: {
        TABLE_NAME: props.table.tableName,
        LEMONSQUEEZY_API_KEY_PARAM: PARAMETER_NAMES.lemonSqueezyApiKey,
        OPENROUTER_API_KEY_PARAM: PARAMETER_NAMES.openRouterApiKey,
        WEBHOOK_SECRET_PARAM: PARAMETER_NAMES.webhookSecret,
        POWERTOOLS_SERVICE_NAME: 'ravn-activate',
        LOG_LEVEL: 'INFO',
      },
    });
    props.table.grant(this.fn, 'dynamodb:GetItem');
    props.secrets.grantParameters(this.fn, ['openRouterApiKey']);
    acknowledgeWildcardResource(
      this.fn.executionRole,
      `${props.table.tableArn}/index/*`,
      'CDK adds the index ARNs to every grant on a table with a GSI; GetItem does not apply to indexes, so this adds no access.',
    );
    new Rule(this, 'Schedule', {
      description: 'Runs ravn-reaper',
      schedule: Schedule.rate(REAP_EVERY),
      targets: [new LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
  }
}

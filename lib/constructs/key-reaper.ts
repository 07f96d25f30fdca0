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
  /**
   * Reserved concurrency; 1 keeps runs from overlapping (two runs would walk the same keys), and
   * a run the schedule starts while one is still going waits in Lambda's async queue. 0: none.
   */
  readonly reservedConcurrency: number;
}

/** How often the reaper runs; a key it deletes is at least 15 minutes old (see the service). */
export const REAP_EVERY = Duration.minutes(15);

/**
 * A run frees at most 20 idle seats, one every 2 s, and reads up to 20 pages of keys: minutes,
 * not the 25 s of a function behind CloudFront (nobody waits on this one).
 */
const REAPER_TIMEOUT = Duration.minutes(5);

/**
 * `ravn-reaper`: deletes OpenRouter keys that no license holds (a create whose answer was lost,
 * a failed compensation), and frees the seats of devices idle past their plan's
 * `release_after_days`. Not reachable over HTTP: an EventBridge schedule invokes it. It walks the
 * license items (Scan) and keeps where each walk stopped (PutItem), claims and frees device slots
 * (UpdateItem), deletes keys, and reads license keys and frees seats at LemonSqueezy.
 */
export class KeyReaper extends Construct {
  readonly fn: ServiceFunction;

  constructor(scope: Construct, id: string, props: KeyReaperProps) {
    super(scope, id);
    this.fn = new ServiceFunction(this, 'Function', {
      functionName: 'ravn-reaper',
      handlerFile: 'reaper.ts',
      description:
        'ravn-reaper: deletes OpenRouter keys no license holds, frees idle devices (scheduled)',
      timeout: REAPER_TIMEOUT,
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
      'CDK adds the index ARNs to every grant on a table with a GSI; the reaper scans the table itself and its index holds keys only, so this adds no access.',
    );
    new Rule(this, 'Schedule', {
      description: 'Runs ravn-reaper',
      schedule: Schedule.rate(REAP_EVERY),
      targets: [new LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
  }
}

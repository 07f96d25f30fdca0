import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ScheduledJob } from './scheduled-job.ts';
import type { ServiceSecrets } from './service-secrets.ts';

export interface JobProps {
  readonly table: ITable;
  readonly secrets: ServiceSecrets;
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
 * `release_after_days`.
 */
export class KeyReaper extends ScheduledJob {
  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id, {
      ...props,
      functionName: 'ravn-reaper',
      handlerFile: 'reaper.ts',
      description:
        'ravn-reaper: deletes OpenRouter keys no license holds, frees idle devices (scheduled)',
      every: REAP_EVERY,
      timeout: REAPER_TIMEOUT,
    });
  }
}

/** How often the reconciler runs (docs/repairs.md, "Reconciler"). */
export const RECONCILE_EVERY = Duration.days(1);

/** 200 licenses, one every 3 s, is about 10 minutes; Lambda's limit is 15. */
const RECONCILER_TIMEOUT = Duration.minutes(15);

/**
 * `ravn-reconciler`: confirms with LemonSqueezy the licenses whose facts are older than a day
 * and applies what it finds, so a lost webhook is caught even for a client that stopped
 * validating.
 */
export class Reconciler extends ScheduledJob {
  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id, {
      ...props,
      functionName: 'ravn-reconciler',
      handlerFile: 'reconciler.ts',
      description: 'ravn-reconciler: re-confirms silent licenses with LemonSqueezy (scheduled)',
      every: RECONCILE_EVERY,
      timeout: RECONCILER_TIMEOUT,
    });
  }
}

import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '#config/table.ts';
import type { Clock } from '#ports/clock.ts';
import { isConditionFailure } from './items.ts';

/** Who is asking: work on a license we hold, or the first contact with a key we never stored. */
export type BudgetPriority = 'known' | 'first-contact';

export interface BudgetSettings {
  /** Calls a minute the whole deployment may make (LemonSqueezy allows 60 per store). */
  perMinute: number;
  /** Of those, what first contacts with unknown keys may use: the rest is kept for known work. */
  firstContactPerMinute: number;
}

/** A call may go ahead, or the minute's budget is spent until `retryAt`. */
export type BudgetAnswer = { ok: true } | { ok: false; retryAt: Date };

const MINUTE_MS = 60_000;

/**
 * A store-wide budget of upstream calls, shared by every function and every concurrent request:
 * one counter item per calendar minute (`BUDGET#<upstream>` / the minute), raised by one
 * conditional UpdateItem per call, so "at most N a minute" holds however many Lambdas run. A
 * first contact may raise it only up to its smaller share; known work up to the whole budget.
 * The item expires an hour later (TTL). One write per upstream call, never on a path that makes
 * none.
 */
export class DynamoDbUpstreamBudget {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly upstream: string,
    private readonly settings: BudgetSettings,
    private readonly clock: Clock,
  ) {}

  async take(priority: BudgetPriority): Promise<BudgetAnswer> {
    const now = this.clock.now().getTime();
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const cap =
      priority === 'known' ? this.settings.perMinute : this.settings.firstContactPerMinute;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `BUDGET#${this.upstream}`, sk: new Date(minute).toISOString() },
          UpdateExpression: 'ADD used :one SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(used) OR used < :cap',
          ExpressionAttributeNames: { '#ttl': TABLE_KEYS.ttlAttribute },
          ExpressionAttributeValues: {
            ':one': 1,
            ':cap': cap,
            ':ttl': Math.floor((minute + 60 * MINUTE_MS) / 1000),
          },
        }),
      );
      return { ok: true };
    } catch (error) {
      if (isConditionFailure(error)) return { ok: false, retryAt: new Date(minute + MINUTE_MS) };
      throw error;
    }
  }
}

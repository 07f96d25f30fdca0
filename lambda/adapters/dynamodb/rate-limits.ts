import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimit } from '#domain/rate-limits.ts';
import type { RateCheck, RateLimiter } from '#ports/rate-limiter.ts';
import { epochSeconds } from './claimed-items.ts';
import { type ItemShape, isConditionFailure, stampedUpdate } from './items.ts';
import { TABLE_KEYS } from './table-definition.ts';

/** A fixed-window counter (`count`, `ttl`). Version 1 adds `schemaVersion`. */
export const RATE_COUNTER_ITEM = {
  version: 1,
  fields: { pk: 0, sk: 0, count: 0, ttl: 0, schemaVersion: 1 },
} as const satisfies ItemShape;

/** Refusals remembered per warm instance; past this many, the memo starts over. */
const MEMO_LIMIT = 10_000;

/**
 * Fixed-window counters on the service's table: `RATE#<limit>#<subject>` / `WINDOW#<start>`,
 * one item per subject and window (windows start at multiples of their length in Unix time),
 * dropped by the table's TTL once the window is over.
 *
 * Each check is one conditional UpdateItem (`ADD count 1` only while `count < max`): parallel
 * requests are counted exactly, with no read first, and a refused request adds nothing. Burst:
 * a subject may spend a whole window's quota at once, and twice that across a window boundary
 * (the end of one window and the start of the next) — acceptable for limits meant to stop
 * farming and floods, not to pace well-behaved clients.
 *
 * A subject refused in a window stays refused until the window ends (its count only grows), so
 * each warm instance remembers the refusal and answers repeats without a write: a flood from one
 * subject costs at most `max` writes plus one per instance per window.
 *
 * Not idempotent, and said so: when an increment's answer is lost after it committed, the SDK's
 * retry counts the request again (at most once per retry attempt). A count can run ahead of the
 * requests it saw, never behind: a limit may refuse a little early, never let more through.
 * Making each increment carry the request's id would cost item size and a condition on every
 * counted request for a rare fault that errs on the safe side.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  /** `<limit>#<subject>#<window start>#<max>` of the refusals this instance has seen. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(limit: RateLimit, subject: string, now: Date): Promise<RateCheck> {
    const windowMs = limit.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / windowMs) * windowMs;
    const resetAt = new Date(start + windowMs);
    // With the max: one counter may be checked against several caps (the LemonSqueezy budget's
    // shares), and a refusal at one cap says nothing of a higher one.
    const memoKey = `${limit.name}#${subject}#${start}#${limit.max}`;
    if (this.refused.has(memoKey)) return { allowed: false, retryAt: resetAt };
    try {
      const result = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `RATE#${limit.name}#${subject}`, sk: `WINDOW#${start / 1000}` },
          ...stampedUpdate(
            {
              UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
              ExpressionAttributeNames: { '#count': 'count', '#ttl': TABLE_KEYS.ttlAttribute },
              ExpressionAttributeValues: {
                ':one': 1,
                ':max': limit.max,
                ':ttl': epochSeconds(resetAt),
              },
            },
            RATE_COUNTER_ITEM,
          ),
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const count = Number(result.Attributes?.count ?? limit.max);
      return { allowed: true, remaining: Math.max(0, limit.max - count), resetAt };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (this.refused.size >= MEMO_LIMIT) this.refused.clear();
      this.refused.add(memoKey);
      return { allowed: false, retryAt: resetAt };
    }
  }
}

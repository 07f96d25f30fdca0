import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ItemShape,
  isConditionFailure,
  itemOfConditionFailure,
  stampedItem,
  stampedUpdate,
} from './items.ts';
import { TABLE_KEYS } from './table-definition.ts';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** A condition expression with the attribute names and values it uses. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Items that one request at a time works on (idempotency keys, webhook events): a conditional put
 * claims one (`state` `processing` with a `claimId`), and its holder then marks it `done` until
 * its TTL or gives it back. Completing and releasing hold only while the claim is still ours: a
 * claim taken over meanwhile belongs to its new holder and is left alone. Every write stamps
 * `shape`'s version. A claim is a whole-item Put on purpose: taking over a released, expired or
 * stale item starts a new record, and nothing of the old one (ours or a newer release's) belongs
 * to it.
 */
export class ClaimedItems {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shape: ItemShape,
  ) {}

  /**
   * Puts a `processing` claim with `fields` (a `claimId` among them) if `when` holds; false when
   * it did not. A claim that finds its own `claimId` is its own write retried by the SDK after
   * the answer was lost: it holds the claim.
   */
  async claim(
    key: ItemKey,
    fields: { claimId: string } & Record<string, unknown>,
    when: Condition,
  ): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: stampedItem({ ...key, state: 'processing', ...fields }, this.shape),
          ConditionExpression: when.expression,
          ExpressionAttributeNames: when.names,
          ExpressionAttributeValues: when.values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) {
        // No answer: the put may have committed all the same. Give back whatever of it did, so
        // a retry is not held off by this request's own claim until the lease runs out.
        await this.markReleased(key, fields.claimId).catch(() => undefined);
        throw error;
      }
      const found = itemOfConditionFailure(error);
      return found?.state === 'processing' && found.claimId === fields.claimId;
    }
  }

  /** The item as it is now (a strongly consistent read): what holds a claim that failed. */
  async read(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return result.Item;
  }

  /** Marks a claimed item `done` with `fields`; a DynamoDB TTL drops it after `expiresAt`. */
  async complete(
    key: ItemKey,
    claimId: string,
    expiresAt: Date,
    fields: Record<string, unknown> = {},
  ): Promise<void> {
    const names: Record<string, string> = { '#state': 'state', '#ttl': TABLE_KEYS.ttlAttribute };
    const values: Record<string, unknown> = { ':done': 'done', ':ttl': epochSeconds(expiresAt) };
    const sets = ['#state = :done', '#ttl = :ttl'];
    for (const [field, value] of Object.entries(fields)) {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    await this.ifClaimed(
      new UpdateCommand(
        stampedUpdate(
          {
            ...this.heldBy(key, claimId, values),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ExpressionAttributeNames: names,
          },
          this.shape,
        ),
      ),
    );
  }

  /**
   * Gives a claim back by marking the item `released`, for a role without DeleteItem (which
   * would reach license items too); every claim takes a released item like a missing one.
   */
  async markReleased(key: ItemKey, claimId: string): Promise<void> {
    await this.ifClaimed(
      new UpdateCommand(
        stampedUpdate(
          {
            ...this.heldBy(key, claimId, { ':released': 'released' }),
            UpdateExpression: 'SET #state = :released REMOVE claimId',
            ExpressionAttributeNames: { '#state': 'state' },
          },
          this.shape,
        ),
      ),
    );
  }

  /** Gives a claim back by deleting the item. */
  async delete(key: ItemKey, claimId: string): Promise<void> {
    await this.ifClaimed(new DeleteCommand(this.heldBy(key, claimId)));
  }

  /** The key and condition of a write that holds only while `claimId` still holds the item. */
  private heldBy(key: ItemKey, claimId: string, values: Record<string, unknown> = {}) {
    return {
      TableName: this.tableName,
      Key: key,
      ConditionExpression: 'claimId = :claimId',
      ExpressionAttributeValues: { ...values, ':claimId': claimId },
    };
  }

  private async ifClaimed(command: UpdateCommand | DeleteCommand): Promise<void> {
    try {
      await this.documents.send(command);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

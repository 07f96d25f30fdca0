import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  IdempotencyClaimRequest,
  IdempotencyRecord,
  IdempotencyRef,
  IdempotencyStore,
  StoredResponse,
} from '#ports/idempotency-store.ts';
import { isConditionFailure } from './items.ts';
import { TABLE_KEYS } from './table-definition.ts';

const idempotencyKey = (ref: IdempotencyRef) => ({
  pk: `IDEMPOTENCY#${ref.scope}#${ref.keyHash}`,
  sk: 'IDEMPOTENCY',
});

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * `IdempotencyStore` on the service's table: `IDEMPOTENCY#<route>#<sha256 of the key>` items,
 * claimed, completed and released like the webhook store's `EVENT#…` items (state `processing`,
 * then `done` or `released`). Every item carries the TTL attribute; since DynamoDB deletes
 * expired items lazily (up to days late), the claim also treats an item past its TTL as free.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(request: IdempotencyClaimRequest): Promise<'claimed' | IdempotencyRecord> {
    const now = epochSeconds(request.now);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...idempotencyKey(request),
            state: 'processing',
            claimId: request.claimId,
            claimedAt: request.now.toISOString(),
            fingerprint: request.fingerprint,
            // A claim whose holder died and that nobody retries must not stay forever either.
            [TABLE_KEYS.ttlAttribute]: epochSeconds(request.expiresAt),
          },
          // A stale claim is only taken over for the same body: another body is a reused key.
          ConditionExpression:
            'attribute_not_exists(pk) OR #ttl <= :now OR #state = :released OR ' +
            '(#state = :processing AND claimedAt < :staleBefore AND fingerprint = :fingerprint)',
          ExpressionAttributeNames: { '#state': 'state', '#ttl': TABLE_KEYS.ttlAttribute },
          ExpressionAttributeValues: {
            ':now': now,
            ':processing': 'processing',
            ':released': 'released',
            ':staleBefore': request.staleBefore.toISOString(),
            ':fingerprint': request.fingerprint,
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: idempotencyKey(request),
        ConsistentRead: true,
      }),
    );
    const item = existing.Item;
    const live = item && Number(item[TABLE_KEYS.ttlAttribute]) > now;
    if (live && item.state === 'done') {
      const response = item.response as StoredResponse;
      return { state: 'done', fingerprint: String(item.fingerprint), response };
    }
    if (live && item.state === 'processing') {
      return { state: 'processing', fingerprint: String(item.fingerprint) };
    }
    // Released, expired or gone between the write and this read: the key just came free. Report
    // it as in flight, so the client retries and claims it then.
    return { state: 'processing', fingerprint: request.fingerprint };
  }

  async complete(
    ref: IdempotencyRef,
    claimId: string,
    response: StoredResponse,
    expiresAt: Date,
  ): Promise<void> {
    await this.ifClaimed(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyKey(ref),
        UpdateExpression: 'SET #state = :done, #response = :response, #ttl = :ttl',
        ConditionExpression: 'claimId = :claimId',
        ExpressionAttributeNames: {
          '#state': 'state',
          '#response': 'response',
          '#ttl': TABLE_KEYS.ttlAttribute,
        },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':response': response,
          ':ttl': epochSeconds(expiresAt),
          ':claimId': claimId,
        },
      }),
    );
  }

  /**
   * Marks the item `released` rather than deleting it: the activate function may not delete
   * items (its role has no DeleteItem, which would reach license items too), and the next claim
   * takes a released item like a missing one. The TTL still removes it.
   */
  async release(ref: IdempotencyRef, claimId: string): Promise<void> {
    await this.ifClaimed(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyKey(ref),
        UpdateExpression: 'SET #state = :released REMOVE claimId',
        ConditionExpression: 'claimId = :claimId',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':released': 'released', ':claimId': claimId },
      }),
    );
  }

  /** A claim taken over meanwhile belongs to its new holder: leave it alone. */
  private async ifClaimed(command: UpdateCommand): Promise<void> {
    try {
      await this.documents.send(command);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

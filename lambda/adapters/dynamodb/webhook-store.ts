import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventClaim, WebhookStore } from '#ports/webhook-store.ts';
import { isConditionFailure } from './items.ts';
import { TABLE_KEYS } from './table-definition.ts';

const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
const aliasKey = (kind: string, id: string) => ({
  pk: `ALIAS#${kind.toUpperCase()}#${id}`,
  sk: 'ALIAS',
});

/** `WebhookStore` on the service's table: `EVENT#…` items (with TTL) and `ALIAS#…` items. */
export class DynamoDbWebhookStore implements WebhookStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claimEvent(
    eventId: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ): Promise<EventClaim> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...eventKey(eventId), state: 'processing', claimId, claimedAt },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#state = :processing AND claimedAt < :staleBefore)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':processing': 'processing', ':staleBefore': staleBefore },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: eventKey(eventId), ConsistentRead: true }),
    );
    return existing.Item?.state === 'done' ? 'done' : 'busy';
  }

  async completeEvent(eventId: string, claimId: string, expiresAt: Date): Promise<void> {
    await this.ifClaimed(
      new UpdateCommand({
        TableName: this.tableName,
        Key: eventKey(eventId),
        UpdateExpression: 'SET #state = :done, #ttl = :ttl',
        ConditionExpression: 'claimId = :claimId',
        ExpressionAttributeNames: { '#state': 'state', '#ttl': TABLE_KEYS.ttlAttribute },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':ttl': Math.floor(expiresAt.getTime() / 1000),
          ':claimId': claimId,
        },
      }),
    );
  }

  async releaseEvent(eventId: string, claimId: string): Promise<void> {
    await this.ifClaimed(
      new DeleteCommand({
        TableName: this.tableName,
        Key: eventKey(eventId),
        ConditionExpression: 'claimId = :claimId',
        ExpressionAttributeValues: { ':claimId': claimId },
      }),
    );
  }

  async linkLicense(
    kind: 'order' | 'subscription',
    id: string,
    licenseHash: string,
  ): Promise<{ orderRefundedAt?: string }> {
    if (kind === 'subscription') {
      await this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: { ...aliasKey(kind, id), licenseHash } }),
      );
      return {};
    }
    // A string-set ADD: parallel activations of an order's keys each add theirs, none is lost.
    const result = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: aliasKey(kind, id),
        UpdateExpression: 'ADD licenseHashes :hash',
        ExpressionAttributeValues: { ':hash': new Set([licenseHash]) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const refundedAt = result.Attributes?.refundedAt;
    return typeof refundedAt === 'string' ? { orderRefundedAt: refundedAt } : {};
  }

  async recordOrderRefund(orderId: string, at: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: aliasKey('order', orderId),
        UpdateExpression: 'SET refundedAt = if_not_exists(refundedAt, :at)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async findLicense(kind: 'subscription', id: string): Promise<string | undefined> {
    const item = await this.alias(kind, id);
    return typeof item?.licenseHash === 'string' ? item.licenseHash : undefined;
  }

  async findLicenses(kind: 'order', id: string): Promise<string[]> {
    const item = await this.alias(kind, id);
    const hashes = new Set<string>();
    // Order aliases written before multi-key orders hold one `licenseHash`; read it too.
    if (typeof item?.licenseHash === 'string') hashes.add(item.licenseHash);
    if (item?.licenseHashes instanceof Set) {
      for (const hash of item.licenseHashes) if (typeof hash === 'string') hashes.add(hash);
    }
    return [...hashes].sort();
  }

  private async alias(kind: string, id: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: aliasKey(kind, id), ConsistentRead: true }),
    );
    return result.Item;
  }

  private async ifClaimed(command: UpdateCommand | DeleteCommand): Promise<void> {
    try {
      await this.documents.send(command);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

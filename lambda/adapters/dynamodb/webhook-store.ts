import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ClaimedItems } from './claimed-items.ts';
import { type ItemShape, stampedUpdate } from './items.ts';

/** What happened to an event id when a delivery tried to claim it. */
export type EventClaim = 'claimed' | 'done' | 'busy';

const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
const aliasKey = (kind: string, id: string) => ({
  pk: `ALIAS#${kind.toUpperCase()}#${id}`,
  sk: 'ALIAS',
});

/** A webhook delivery's claim (`EVENT#<id>`/`EVENT`). Version 1 adds `schemaVersion`. */
export const EVENT_ITEM = {
  version: 1,
  fields: { pk: 0, sk: 0, state: 0, claimId: 0, claimedAt: 0, ttl: 0, schemaVersion: 1 },
} as const satisfies ItemShape;

/**
 * A link from a LemonSqueezy order or subscription to our licenses (`ALIAS#<kind>#<id>`/`ALIAS`):
 * a subscription's `licenseHash`; an order's `licenseHashes` (a string set; `licenseHash` on
 * links older than multi-key orders) and `refundedAt`. Version 1 adds `schemaVersion`.
 */
export const ALIAS_ITEM = {
  version: 1,
  fields: {
    pk: 0,
    sk: 0,
    licenseHash: 0,
    licenseHashes: 0,
    refundedAt: 0,
    schemaVersion: 1,
  },
} as const satisfies ItemShape;

/**
 * The record of webhook deliveries and the links from LemonSqueezy ids to our licenses, on the
 * service's table: `EVENT#…` items (with TTL) and `ALIAS#…` items. An event id is the SHA-256 of
 * the signed body, since LemonSqueezy sends no event id and retries byte-identical bodies.
 */
export class DynamoDbWebhookStore {
  private readonly events: ClaimedItems;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.events = new ClaimedItems(documents, tableName, EVENT_ITEM);
  }

  /**
   * Claims an event for processing with a conditional write: `done` if it was applied before,
   * `busy` while another delivery is applying it (unless that claim is older than
   * `staleBefore`), else `claimed` (a claim given back, `released`, is free again).
   */
  async claimEvent(
    eventId: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ): Promise<EventClaim> {
    const claimed = await this.events.claim(
      eventKey(eventId),
      { claimId, claimedAt },
      {
        expression:
          'attribute_not_exists(pk) OR #state = :released OR ' +
          '(#state = :processing AND claimedAt < :staleBefore)',
        names: { '#state': 'state' },
        values: {
          ':processing': 'processing',
          ':released': 'released',
          ':staleBefore': staleBefore,
        },
      },
    );
    if (claimed) return 'claimed';
    const existing = await this.events.read(eventKey(eventId));
    return existing?.state === 'done' ? 'done' : 'busy';
  }

  /**
   * Marks a claimed event applied; it is remembered until `expiresAt` (then a DynamoDB TTL drops
   * it).
   */
  completeEvent(eventId: string, claimId: string, expiresAt: Date): Promise<void> {
    return this.events.complete(eventKey(eventId), claimId, expiresAt);
  }

  /** Gives a claim back after a failure, so LemonSqueezy's retry can apply the event. */
  releaseEvent(eventId: string, claimId: string): Promise<void> {
    return this.events.delete(eventKey(eventId), claimId);
  }

  /**
   * Remembers which license an order or subscription belongs to. An order may sell several
   * license keys, so an order link adds to the order's set; a subscription has one license.
   */
  async linkLicense(
    kind: 'order' | 'subscription',
    id: string,
    licenseHash: string,
  ): Promise<{ orderRefundedAt?: string }> {
    if (kind === 'subscription') {
      // SET, not a Put: attributes a newer release added to the link stay.
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: aliasKey(kind, id),
          ...stampedUpdate(
            {
              UpdateExpression: 'SET licenseHash = :hash',
              ExpressionAttributeValues: { ':hash': licenseHash },
            },
            ALIAS_ITEM,
          ),
        }),
      );
      return {};
    }
    // A string-set ADD: parallel activations of an order's keys each add theirs, none is lost.
    const result = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: aliasKey(kind, id),
        ...stampedUpdate(
          {
            UpdateExpression: 'ADD licenseHashes :hash',
            ExpressionAttributeValues: { ':hash': new Set([licenseHash]) },
          },
          ALIAS_ITEM,
        ),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const refundedAt = result.Attributes?.refundedAt;
    return typeof refundedAt === 'string' ? { orderRefundedAt: refundedAt } : {};
  }

  /**
   * Records an order's full refund on the order itself, so a license of the order that is
   * activated only later is refunded too (first refund time wins).
   */
  async recordOrderRefund(orderId: string, at: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: aliasKey('order', orderId),
        ...stampedUpdate(
          {
            UpdateExpression: 'SET refundedAt = if_not_exists(refundedAt, :at)',
            ExpressionAttributeValues: { ':at': at },
          },
          ALIAS_ITEM,
        ),
      }),
    );
  }

  /** The license a subscription belongs to, if it is linked. */
  async findLicense(kind: 'subscription', id: string): Promise<string | undefined> {
    const item = await this.alias(kind, id);
    return typeof item?.licenseHash === 'string' ? item.licenseHash : undefined;
  }

  /** Every license linked to an order (none if unknown), in a stable order. */
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
}

import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { REMEMBERED_CODES, type RememberedRefusal } from '#domain/remembered-refusal.ts';
import { epochSeconds } from './claimed-items.ts';
import { type ItemShape, stampedUpdate } from './items.ts';
import { TABLE_KEYS } from './table-definition.ts';

/** A remembered refusal (`code`, `detail`, `ttl`). Version 1 adds `schemaVersion`. */
export const NEGATIVE_ITEM = {
  version: 1,
  fields: { pk: 0, sk: 0, code: 0, detail: 0, ttl: 0, schemaVersion: 1 },
} as const satisfies ItemShape;

const negativeKey = (licenseHash: string) => ({ pk: `NEGATIVE#${licenseHash}`, sk: 'NEGATIVE' });
const remembered: ReadonlySet<string> = new Set(REMEMBERED_CODES);

/**
 * What LemonSqueezy said about license keys we do not hold and could not use (unknown there, or
 * not ours): `NEGATIVE#<sha256 of the key>` items holding the refusal, dropped by the table's
 * TTL. A repeat within the TTL is answered from here, so guessing keys, or a client retrying a
 * mistyped one, costs no LemonSqueezy call.
 */
export class DynamoDbNegativeCache {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The refusal remembered for the key, if it is still live at `now` (DynamoDB deletes expired
   * items lazily, so the TTL is checked here too).
   */
  async get(licenseHash: string, now: Date): Promise<RememberedRefusal | undefined> {
    const { Item: item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: negativeKey(licenseHash) }),
    );
    if (!item || Number(item[TABLE_KEYS.ttlAttribute]) <= epochSeconds(now)) return undefined;
    const { code, detail } = item;
    if (typeof code !== 'string' || !remembered.has(code) || typeof detail !== 'string') {
      return undefined;
    }
    return { code: code as RememberedRefusal['code'], detail };
  }

  /**
   * Remembers the refusal until `expiresAt` (a later answer replaces it). SET, not a Put:
   * attributes a newer release added stay, and its readers see from the version that an older
   * release wrote the refusal.
   */
  async remember(licenseHash: string, refusal: RememberedRefusal, expiresAt: Date): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: negativeKey(licenseHash),
        ...stampedUpdate(
          {
            UpdateExpression: 'SET code = :code, detail = :detail, #ttl = :ttl',
            ExpressionAttributeNames: { '#ttl': TABLE_KEYS.ttlAttribute },
            ExpressionAttributeValues: {
              ':code': refusal.code,
              ':detail': refusal.detail,
              ':ttl': epochSeconds(expiresAt),
            },
          },
          NEGATIVE_ITEM,
        ),
      }),
    );
  }
}

import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TABLE_KEYS } from '#config/table.ts';

/**
 * The trial claims' keys and the condition failures every store reads (the license item's own
 * shape is in license-item.ts; the table's keys in config/table.ts).
 */
const CLAIM_SK = 'CLAIM';

export const emailClaimKey = (email: string) => ({ pk: `TRIAL#EMAIL#${email}`, sk: CLAIM_SK });
export const deviceClaimKey = (instanceName: string) => ({
  pk: `TRIAL#DEVICE#${instanceName}`,
  sk: CLAIM_SK,
});

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

export function isCancelledByCondition(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return (reasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
}

/**
 * The item a refused write found (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), as a plain
 * object: what a write that may be a retry of itself compares with what it writes. The document
 * client passes errors through untouched, so the item is still in DynamoDB's wire form here.
 */
export function itemOfConditionFailure(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  if (!item || typeof item !== 'object') return undefined;
  return unmarshall(item, { wrapNumbers: false });
}

/**
 * An item kind's shape, declared once beside the code that writes it (docs/item-schema.md):
 * `version` is what every write of the kind stamps on the item as `schemaVersion`, and `fields`
 * names each attribute with the version that added it. Version 0 is the unstamped shape of
 * release/stop-29, the last release before items said their shape: an item without the
 * attribute is read as version 0. Readers take every version the same way, a newer one included:
 * fields are only ever added, so the ones a reader knows still mean what they meant, and it leaves
 * the ones it does not know alone (every rewrite of an item SETs only its own attributes).
 */
export interface ItemShape {
  readonly version: number;
  readonly fields: Readonly<Record<string, number>>;
}

const VERSION_NAME = '#schemaVersion';
const VERSION_VALUE = ':schemaVersion';

/** The version an item was last written in (0: by release/stop-29 or before, unstamped). */
export function versionOf(item: Record<string, unknown>): number {
  const version = item[TABLE_KEYS.schemaVersionAttribute];
  return typeof version === 'number' ? version : 0;
}

/** A whole item as a Put writes it, stamped with its shape's version. */
export function stampedItem<T extends Record<string, unknown>>(item: T, shape: ItemShape) {
  return { ...item, [TABLE_KEYS.schemaVersionAttribute]: shape.version };
}

interface UpdateParts {
  UpdateExpression?: string | undefined;
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Record<string, unknown> | undefined;
}

/**
 * An UpdateItem that also stamps the shape's version, in the same write: `schemaVersion` ends the
 * expression's SET clause (or a SET clause is added), so the item says which release wrote it
 * last and the expression still starts with the write's own first action.
 */
export function stampedUpdate<T extends UpdateParts>(input: T, shape: ItemShape): T {
  const stamp = `${VERSION_NAME} = ${VERSION_VALUE}`;
  const expression = input.UpdateExpression ?? '';
  const set = expression.search(/\bSET /);
  let stamped: string;
  if (set < 0) stamped = `${expression} SET ${stamp}`.trim();
  else {
    const next = expression.slice(set).search(/ (REMOVE|ADD|DELETE) /);
    const end = next < 0 ? expression.length : set + next;
    stamped = `${expression.slice(0, end)}, ${stamp}${expression.slice(end)}`;
  }
  return {
    ...input,
    UpdateExpression: stamped,
    ExpressionAttributeNames: {
      ...input.ExpressionAttributeNames,
      [VERSION_NAME]: TABLE_KEYS.schemaVersionAttribute,
    },
    ExpressionAttributeValues: {
      ...input.ExpressionAttributeValues,
      [VERSION_VALUE]: shape.version,
    },
  };
}

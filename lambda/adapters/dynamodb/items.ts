import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

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

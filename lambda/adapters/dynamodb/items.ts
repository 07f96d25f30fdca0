import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

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

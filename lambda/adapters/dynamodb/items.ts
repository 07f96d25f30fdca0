import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { LicenseRecord } from '#domain/license.ts';
import { normaliseEmail } from '#domain/secrets.ts';

/** How the service's records map onto the table's items (keys in config/table.ts). */
const LICENSE_SK = 'LICENSE';
const CLAIM_SK = 'CLAIM';

export const licenseKey = (licenseHash: string) => ({
  pk: `LICENSE#${licenseHash}`,
  sk: LICENSE_SK,
});
/** The record of one ended credit period of a license (I1), next to the license item. */
export const creditPeriodKey = (licenseHash: string, periodEnd: string) => ({
  pk: `LICENSE#${licenseHash}`,
  sk: `CREDIT#${periodEnd}`,
});
export const emailClaimKey = (email: string) => ({ pk: `TRIAL#EMAIL#${email}`, sk: CLAIM_SK });
export const deviceClaimKey = (instanceName: string) => ({
  pk: `TRIAL#DEVICE#${instanceName}`,
  sk: CLAIM_SK,
});

export function toItem(record: LicenseRecord): Record<string, unknown> {
  return {
    ...licenseKey(record.licenseHash),
    ...record,
    ...(record.customerEmail ? { email: normaliseEmail(record.customerEmail) } : {}),
  };
}

export function fromItem(item: Record<string, unknown> | undefined): LicenseRecord | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, email: _email, ...record } = item;
  return record as unknown as LicenseRecord;
}

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

import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LicenseRecord } from '#domain/license.ts';
import { normaliseEmail } from '#domain/secrets.ts';
import { isConditionFailure, itemOfConditionFailure } from './items.ts';

const LICENSE_SK = 'LICENSE';

/** How a license maps onto its item: the key, and the normalised email the trial index reads. */
export const licenseKey = (licenseHash: string) => ({
  pk: `LICENSE#${licenseHash}`,
  sk: LICENSE_SK,
});
/** The record of one ended credit period of a license (I1), next to the license item. */
export const creditPeriodKey = (licenseHash: string, periodEnd: string) => ({
  pk: `LICENSE#${licenseHash}`,
  sk: `CREDIT#${periodEnd}`,
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

type UpdateInput = ConstructorParameters<typeof UpdateCommand>[0];

/** The license item on the service's table: the read and the conditional update every write uses. */
export class LicenseItem {
  constructor(
    protected readonly documents: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** A license by the hash of its key (strongly consistent read). */
  async get(licenseHash: string): Promise<LicenseRecord | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: licenseKey(licenseHash),
        ConsistentRead: true,
      }),
    );
    return fromItem(result.Item);
  }

  /**
   * An update of the license item of `licenseHash` that returns the new record, or undefined
   * when its condition did not hold. `ours` says whether a stored record already holds what this
   * very write writes: when the SDK retries a write whose answer was lost after it committed,
   * the retry's condition fails on the write's own result, and that is success, not a rival.
   */
  protected async conditionalUpdate(
    licenseHash: string,
    input: Omit<UpdateInput, 'TableName' | 'Key' | 'ReturnValues'>,
    ours?: (stored: LicenseRecord) => boolean,
  ): Promise<LicenseRecord | undefined> {
    try {
      const result = await this.documents.send(
        new UpdateCommand({
          ...input,
          TableName: this.tableName,
          Key: licenseKey(licenseHash),
          ReturnValues: 'ALL_NEW',
          ...(ours ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
        }),
      );
      return fromItem(result.Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const stored = ours ? fromItem(itemOfConditionFailure(error)) : undefined;
      return stored && ours?.(stored) ? stored : undefined;
    }
  }
}

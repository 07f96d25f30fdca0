import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LicenseRecord } from '#domain/license.ts';
import { normaliseEmail } from '#domain/secrets.ts';
import {
  type ItemShape,
  isConditionFailure,
  itemOfConditionFailure,
  stampedItem,
  stampedUpdate,
} from './items.ts';

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

/** The record's fields on the item, each with the version of the shape that added it. */
const RECORD_FIELDS = {
  licenseHash: 0,
  kind: 0,
  plan: 0,
  status: 0,
  expiresAt: 0,
  customerName: 0,
  customerEmail: 0,
  provider: 0,
  subscription: 0,
  statusCheckedAt: 0,
  factsAsOf: 0,
  subscriptionAsOf: 0,
  refundedAt: 0,
  orderCheckedAt: 0,
  lastPayment: 0,
  refundedPayments: 0,
  periodAnchor: 0,
  devices: 0,
  lastActivation: 0,
  licenseSeenAt: 0,
  ai: 0,
  spentKeys: 0,
  aiHold: 0,
  unconfirmedRefusal: 0,
  newDevices: 0,
  newDevicesVersion: 0,
  createdAt: 0,
  updatedAt: 0,
} as const satisfies Record<keyof LicenseRecord, number>;
const RECORD_FIELD_NAMES = Object.keys(RECORD_FIELDS);

/**
 * The license item (`LICENSE#<hash>`/`LICENSE`): the record, its key and `email` (the operators'
 * index). Version 1 adds `schemaVersion` and nothing else: the shape is release/stop-29's.
 */
export const LICENSE_ITEM = {
  version: 1,
  fields: { pk: 0, sk: 0, email: 0, ...RECORD_FIELDS, schemaVersion: 1 },
} as const satisfies ItemShape;

/**
 * An ended credit period's record (`LICENSE#<hash>`/`CREDIT#<period end>`): the period's key
 * without its token, and the keys it lost. Version 1 adds `schemaVersion`.
 */
export const CREDIT_PERIOD_ITEM = {
  version: 1,
  fields: { pk: 0, sk: 0, record: 0, key: 0, spentKeys: 0, schemaVersion: 1 },
} as const satisfies ItemShape;

export function toItem(record: LicenseRecord): Record<string, unknown> {
  return stampedItem(
    {
      ...licenseKey(record.licenseHash),
      ...record,
      ...(record.customerEmail ? { email: normaliseEmail(record.customerEmail) } : {}),
    },
    LICENSE_ITEM,
  );
}

/**
 * The record an item holds: the fields this release knows, whatever version wrote it. Attributes
 * of a newer release are not read here and stay on the item (no write puts a record back whole).
 * It runs on every validate, so it reads the fields in place and calls nothing else.
 */
export function fromItem(item: Record<string, unknown> | undefined): LicenseRecord | undefined {
  if (!item) return undefined;
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELD_NAMES) {
    if (item[field] !== undefined) record[field] = item[field];
  }
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
          ...stampedUpdate(input, LICENSE_ITEM),
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

import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LicenseRecord } from '#domain/license.ts';
import { deviceClaimKey, emailClaimKey, isCancelledByCondition } from './items.ts';
import { toItem } from './license-item.ts';

/** A new trial and the two things it uses up, in canonical form: its email and its device. */
export interface NewTrial {
  record: LicenseRecord;
  email: string;
  device: string;
}

/**
 * Trials on the service's table: a trial and its two claims (email, device). One trial per email
 * and per device, enforced by conditional writes.
 */
export class DynamoDbTrialStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** True when any of these emails or devices (forms of one each) has had a trial already. */
  async isTrialClaimed(emails: string[], devices: string[]): Promise<boolean> {
    // One read for all forms; BatchGetItem refuses a request that names a key twice.
    const keys = [
      ...[...new Set(emails)].map(emailClaimKey),
      ...[...new Set(devices)].map(deviceClaimKey),
    ];
    const result = await this.documents.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: keys,
            ConsistentRead: true,
            ProjectionExpression: 'pk',
          },
        },
      }),
    );
    return (result.Responses?.[this.tableName] ?? []).length > 0;
  }

  /** Stores a trial and claims its email and device atomically; false if either was taken. */
  async createTrial(trial: NewTrial): Promise<boolean> {
    const claim = { licenseHash: trial.record.licenseHash, createdAt: trial.record.createdAt };
    const absent = 'attribute_not_exists(pk)';
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toItem(trial.record),
                ConditionExpression: absent,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...emailClaimKey(trial.email), ...claim },
                ConditionExpression: absent,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...deviceClaimKey(trial.device), ...claim },
                ConditionExpression: absent,
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isCancelledByCondition(error)) return false;
      throw error;
    }
  }
}

import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LicenseRecord } from '#domain/license.ts';
import {
  deviceClaimKey,
  emailClaimKey,
  type ItemShape,
  isCancelledByCondition,
  stampedItem,
} from './items.ts';
import { licenseKey, toItem } from './license-item.ts';

/**
 * A trial's claim on an email (`TRIAL#EMAIL#<email>`/`CLAIM`) or a device (`TRIAL#DEVICE#…`):
 * the trial's `licenseHash` and `createdAt`; a device claim also `trialKey` and
 * `recoverableUntil`. Version 1 adds `schemaVersion`.
 */
export const TRIAL_CLAIM_ITEM = {
  version: 1,
  fields: {
    pk: 0,
    sk: 0,
    licenseHash: 0,
    createdAt: 0,
    trialKey: 0,
    recoverableUntil: 0,
    schemaVersion: 1,
  },
} as const satisfies ItemShape;

/** A new trial and the two things it uses up, in canonical form: its email and its device. */
export interface NewTrial {
  record: LicenseRecord;
  email: string;
  device: string;
  /**
   * The trial's key, kept on the device claim until `recoverableUntil` so that a retry from the
   * same canonical device and email can be answered the trial whose answer was lost. Only its
   * hash is on the trial item; this copy is as sensitive as the AI token the trial item holds
   * (encrypted at rest, never logged, never shown by the admin API).
   */
  trialKey: string;
  recoverableUntil: string;
}

/** A trial claim as the trial read finds it. */
export interface TrialClaim {
  /** The trial that made the claim. */
  licenseHash?: string;
  /** Device claims written since trials are recoverable: the trial's key and until when. */
  trialKey?: string;
  recoverableUntil?: string;
}

/** What one read found of the claims on an email and a device (each in all its forms). */
export interface TrialClaims {
  /** Whether any form of the email or of the device is claimed. */
  claimed: boolean;
  /** The claim on the canonical email (the first form asked for), if any. */
  email?: TrialClaim;
  /** The claim on the canonical device (the first form asked for), if any. */
  device?: TrialClaim;
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

  /**
   * The claims on these forms of one email and one device, the canonical form first in each
   * list (older claims were keyed by other forms: they count, but are never recovered).
   */
  async findClaims(emails: string[], devices: string[]): Promise<TrialClaims> {
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
            ProjectionExpression: 'pk, licenseHash, trialKey, recoverableUntil',
          },
        },
      }),
    );
    const found = new Map(
      (result.Responses?.[this.tableName] ?? []).map((item) => [String(item.pk), item]),
    );
    const claimOf = (pk: string | undefined): TrialClaim | undefined => {
      const item = pk === undefined ? undefined : found.get(pk);
      if (!item) return undefined;
      return {
        licenseHash: stringOrUndefined(item.licenseHash),
        trialKey: stringOrUndefined(item.trialKey),
        recoverableUntil: stringOrUndefined(item.recoverableUntil),
      };
    };
    const [email, device] = [emails[0], devices[0]];
    return {
      claimed: found.size > 0,
      email: claimOf(email === undefined ? undefined : emailClaimKey(email).pk),
      device: claimOf(device === undefined ? undefined : deviceClaimKey(device).pk),
    };
  }

  /**
   * Stores a trial and claims its email and device atomically: `created`, or `taken` when either
   * was claimed by another trial. A transaction whose answer was lost after it committed is
   * retried by the SDK, and the retry's conditions then fail on its own items; the trial item's
   * key holds our fresh random hash, so finding it means the work is ours: `created`. (The SDK
   * sends the same `ClientRequestToken` on its retries, which AWS, and DynamoDB Local, honour
   * for 10 minutes; this does not rely on that.)
   */
  async createTrial(trial: NewTrial): Promise<'created' | 'taken'> {
    const claim = { licenseHash: trial.record.licenseHash, createdAt: trial.record.createdAt };
    const recovery = { trialKey: trial.trialKey, recoverableUntil: trial.recoverableUntil };
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
                Item: stampedItem({ ...emailClaimKey(trial.email), ...claim }, TRIAL_CLAIM_ITEM),
                ConditionExpression: absent,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: stampedItem(
                  { ...deviceClaimKey(trial.device), ...claim, ...recovery },
                  TRIAL_CLAIM_ITEM,
                ),
                ConditionExpression: absent,
              },
            },
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (!isCancelledByCondition(error)) throw error;
      return (await this.trialExists(trial.record.licenseHash)) ? 'created' : 'taken';
    }
  }

  /** Whether the trial item of this hash exists (read consistently). */
  async trialExists(licenseHash: string): Promise<boolean> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: licenseKey(licenseHash),
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    );
    return result.Item !== undefined;
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

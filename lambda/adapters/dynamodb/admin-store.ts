import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '#config/table.ts';
import type { AuditRecord } from '#domain/audit.ts';
import {
  deviceClaimKey,
  emailClaimKey,
  type ItemShape,
  isConditionFailure,
  stampedItem,
} from './items.ts';

/** A trial claim as stored: the form it was claimed in and the trial that claimed it. */
export interface TrialClaim {
  kind: 'email' | 'device';
  form: string;
  licenseHash: string;
  createdAt: string;
}

const AUDIT_PREFIX = 'AUDIT#';

/**
 * An audit record (`LICENSE#<hash>`/`AUDIT#<time>#<id>`): the record's fields and its `ttl`.
 * Version 1 adds `schemaVersion`.
 */
export const AUDIT_ITEM = {
  version: 1,
  fields: {
    pk: 0,
    sk: 0,
    id: 0,
    licenseHash: 0,
    actor: 0,
    action: 0,
    at: 0,
    before: 0,
    after: 0,
    detail: 0,
    ttl: 0,
    schemaVersion: 1,
  },
} as const satisfies ItemShape;

/**
 * Audit records (beside the license item, `LICENSE#<hash>`/`AUDIT#<time>#<id>`, expired by TTL;
 * every function appends them, the admin function reads them), and what only the admin function
 * reads and writes: the email index and trial claims to reset.
 */
export class DynamoDbAdminStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Appends one audit record made at `at`, kept `retentionDays` (DynamoDB's TTL deletes it after),
   * and returns it with its id.
   */
  async appendAudit(
    entry: Omit<AuditRecord, 'id' | 'at'>,
    at: Date,
    retentionDays: number,
  ): Promise<AuditRecord> {
    const record: AuditRecord = { id: randomUUID(), at: at.toISOString(), ...entry };
    const expiresAt = new Date(at.getTime() + retentionDays * 86_400_000);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: stampedItem(
            {
              pk: `LICENSE#${record.licenseHash}`,
              sk: `${AUDIT_PREFIX}${record.at}#${record.id}`,
              ...record,
              [TABLE_KEYS.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000),
            },
            AUDIT_ITEM,
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // The key ends in a UUID made just now: only this write (retried by the SDK after its
      // answer was lost) can have put the record there.
      if (!isConditionFailure(error)) throw error;
    }
    return record;
  }

  /** A license's audit records, newest first; records past their TTL that DynamoDB still holds are skipped. */
  async listAudit(licenseHash: string, limit: number, now: Date): Promise<AuditRecord[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `LICENSE#${licenseHash}`, ':prefix': AUDIT_PREFIX },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    const nowSeconds = Math.floor(now.getTime() / 1000);
    return (result.Items ?? [])
      .filter((item) => typeof item.ttl !== 'number' || item.ttl > nowSeconds)
      .map(
        ({ pk: _pk, sk: _sk, ttl: _ttl, schemaVersion: _version, ...record }) =>
          record as AuditRecord,
      );
  }

  /** The hashes of the licenses whose customer email (trimmed, lower-cased) is `email`. */
  async licenseHashesByEmail(email: string): Promise<string[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_KEYS.emailIndex,
        KeyConditionExpression: '#email = :email',
        ExpressionAttributeNames: { '#email': TABLE_KEYS.emailAttribute },
        ExpressionAttributeValues: { ':email': email },
        Limit: 50,
      }),
    );
    const hashes = (result.Items ?? []).flatMap((item) =>
      item.sk === 'LICENSE' && typeof item.pk === 'string'
        ? [item.pk.slice('LICENSE#'.length)]
        : [],
    );
    return [...new Set(hashes)];
  }

  /** The stored trial claims among these forms of an email and of a device. */
  async trialClaims(emails: string[], devices: string[]): Promise<TrialClaim[]> {
    const wanted = [
      ...[...new Set(emails)].map((form) => ({
        kind: 'email' as const,
        form,
        key: emailClaimKey(form),
      })),
      ...[...new Set(devices)].map((form) => ({
        kind: 'device' as const,
        form,
        key: deviceClaimKey(form),
      })),
    ];
    if (wanted.length === 0) return [];
    const result = await this.documents.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: { Keys: wanted.map((entry) => entry.key), ConsistentRead: true },
        },
      }),
    );
    const found = new Map(
      (result.Responses?.[this.tableName] ?? []).map((item) => [item.pk as string, item]),
    );
    return wanted.flatMap(({ kind, form, key }) => {
      const item = found.get(key.pk);
      if (!item) return [];
      return [
        {
          kind,
          form,
          licenseHash: String(item.licenseHash ?? ''),
          createdAt: String(item.createdAt ?? ''),
        },
      ];
    });
  }

  /** Deletes one trial claim, so its email or device may start a trial again. */
  async deleteTrialClaim(claim: Pick<TrialClaim, 'kind' | 'form'>): Promise<void> {
    const key = claim.kind === 'email' ? emailClaimKey(claim.form) : deviceClaimKey(claim.form);
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
  }
}

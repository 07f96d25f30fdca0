import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Activation,
  AiKey,
  LicensePlan,
  LicenseRecord,
  LicenseStatus,
  Subscription,
} from '#domain/license.ts';
import { normaliseEmail } from '#domain/secrets.ts';
import type { LicenseStore, ProviderFacts } from '#ports/license-store.ts';
import { fromItem, isConditionFailure, licenseKey } from './items.ts';

/** Fields set only when a license is first stored. */
const CREATION_ONLY = ['kind', 'periodAnchor', 'devices', 'createdAt'] as const;

/** `LicenseStore` on one DynamoDB table (see table-definition.ts for its items). */
export class DynamoDbLicenseStore implements LicenseStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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

  async saveProviderFacts(initial: LicenseRecord, facts: ProviderFacts): Promise<LicenseRecord> {
    return (await this.writeFacts(initial, facts, facts.statusCheckedAt, false)) as LicenseRecord;
  }

  saveProviderFactsIfNewer(
    initial: LicenseRecord,
    facts: ProviderFacts,
    asOf: string,
  ): Promise<LicenseRecord | undefined> {
    return this.writeFacts(initial, facts, asOf, true);
  }

  saveSubscription(
    licenseHash: string,
    subscription: Subscription,
    asOf: string,
    plan?: LicensePlan,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: `SET subscription = :subscription, subscriptionAsOf = :asOf${plan ? ', #plan = :plan' : ''}`,
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(subscriptionAsOf) OR subscriptionAsOf <= :asOf)',
      ExpressionAttributeNames: plan ? { '#plan': 'plan' } : undefined,
      ExpressionAttributeValues: {
        ':subscription': subscription,
        ':asOf': asOf,
        ...(plan ? { ':plan': plan } : {}),
      },
    });
  }

  markRefunded(licenseHash: string, at: string): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'SET refundedAt = if_not_exists(refundedAt, :at)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async recordPayment(
    licenseHash: string,
    payment: NonNullable<LicenseRecord['lastPayment']>,
  ): Promise<void> {
    await this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'SET lastPayment = :payment',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(lastPayment) OR lastPayment.#at <= :at)',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':payment': payment, ':at': payment.at },
    });
  }

  /**
   * One UpdateItem that writes the facts and, the first time, the creation-only fields. With
   * `onlyIfNewer`, it is conditional on the stored facts not being newer than `asOf`.
   */
  private async writeFacts(
    initial: LicenseRecord,
    facts: ProviderFacts,
    asOf: string,
    onlyIfNewer: boolean,
  ): Promise<LicenseRecord | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const set = (field: string, value: unknown, onlyIfAbsent = false) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(
        onlyIfAbsent ? `#${field} = if_not_exists(#${field}, :${field})` : `#${field} = :${field}`,
      );
    };
    for (const [field, value] of Object.entries(facts)) {
      if (value !== undefined) set(field, value);
    }
    for (const field of CREATION_ONLY) set(field, initial[field], true);
    set('licenseHash', initial.licenseHash);
    set('updatedAt', facts.statusCheckedAt);
    set('factsAsOf', asOf);
    if (facts.subscription) set('subscriptionAsOf', asOf);
    if (facts.customerEmail) set('email', normaliseEmail(facts.customerEmail));
    return this.conditionalUpdate({
      Key: licenseKey(initial.licenseHash),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: onlyIfNewer
        ? 'attribute_not_exists(#factsAsOf) OR #factsAsOf <= :factsAsOf'
        : undefined,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  async claimDevice(
    licenseHash: string,
    instanceName: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ): Promise<boolean> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'SET devices.#device = :pending',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(devices.#device) OR ' +
        '(devices.#device.#state = :pendingState AND devices.#device.claimedAt < :staleBefore))',
      ExpressionAttributeNames: { '#device': instanceName, '#state': 'state' },
      ExpressionAttributeValues: {
        ':pending': { state: 'pending', claimId, claimedAt },
        ':pendingState': 'pending',
        ':staleBefore': staleBefore,
      },
    }).then((record) => record !== undefined);
  }

  completeDevice(
    licenseHash: string,
    claimId: string,
    activation: Activation,
    upstream: { status: LicenseStatus; activationUsage: number },
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression:
        'SET devices.#device = :slot, lastActivation = :activation, #status = :status, ' +
        'provider.activationUsage = :usage, updatedAt = :now',
      ConditionExpression: 'devices.#device.claimId = :claimId',
      ExpressionAttributeNames: { '#device': activation.instanceName, '#status': 'status' },
      ExpressionAttributeValues: {
        ':slot': { state: 'active', ...activation },
        ':activation': activation,
        ':status': upstream.status,
        ':usage': upstream.activationUsage,
        ':now': activation.activatedAt,
        ':claimId': claimId,
      },
    });
  }

  async releaseDevice(licenseHash: string, instanceName: string, claimId: string): Promise<void> {
    await this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'REMOVE devices.#device',
      ConditionExpression: 'devices.#device.claimId = :claimId',
      ExpressionAttributeNames: { '#device': instanceName },
      ExpressionAttributeValues: { ':claimId': claimId },
    });
  }

  replaceAiKey(
    licenseHash: string,
    expectedHash: string | null,
    next: AiKey,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'SET ai = :next, updatedAt = :now',
      ConditionExpression:
        expectedHash === null
          ? 'attribute_exists(pk) AND attribute_not_exists(ai)'
          : 'ai.#hash = :expected',
      ExpressionAttributeNames: expectedHash === null ? undefined : { '#hash': 'hash' },
      ExpressionAttributeValues: {
        ':next': next,
        ':now': next.issuedAt,
        ...(expectedHash === null ? {} : { ':expected': expectedHash }),
      },
    });
  }

  clearAiKey(licenseHash: string, expectedHash: string): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'REMOVE ai',
      ConditionExpression: 'ai.#hash = :expected',
      ExpressionAttributeNames: { '#hash': 'hash' },
      ExpressionAttributeValues: { ':expected': expectedHash },
    });
  }

  async recordKeyUsage(
    licenseHash: string,
    keyHash: string,
    limitRemaining: number,
    checkedAt: string,
  ): Promise<void> {
    await this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'SET ai.limitRemaining = :remaining, ai.limitCheckedAt = :checkedAt',
      ConditionExpression: 'ai.#hash = :keyHash',
      ExpressionAttributeNames: { '#hash': 'hash' },
      ExpressionAttributeValues: {
        ':remaining': limitRemaining,
        ':checkedAt': checkedAt,
        ':keyHash': keyHash,
      },
    });
  }

  /** An update that returns the new record, or undefined when its condition did not hold. */
  private async conditionalUpdate(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues'>,
  ): Promise<LicenseRecord | undefined> {
    try {
      const result = await this.documents.send(
        new UpdateCommand({ ...input, TableName: this.tableName, ReturnValues: 'ALL_NEW' }),
      );
      return fromItem(result.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  Activation,
  AiKey,
  LicensePlan,
  LicenseRecord,
  SpentKey,
  Subscription,
} from '#domain/license.ts';
import { deviceSlotKey, normaliseEmail } from '#domain/secrets.ts';
import type { LicenseStore, ProviderFacts } from '#ports/license-store.ts';
import {
  creditPeriodKey,
  fromItem,
  isCancelledByCondition,
  isConditionFailure,
  licenseKey,
} from './items.ts';

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

  saveProviderFactsIfNewer(
    initial: LicenseRecord,
    facts: ProviderFacts,
    asOf: string,
  ): Promise<LicenseRecord | undefined> {
    return this.writeFacts(initial, facts, asOf);
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
   * One UpdateItem that writes the facts and, the first time, the creation-only fields,
   * conditional on the stored facts (and subscription, when the facts carry one) not being newer
   * than `asOf`.
   */
  private async writeFacts(
    initial: LicenseRecord,
    facts: ProviderFacts,
    asOf: string,
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
    const newer = `(attribute_not_exists(#factsAsOf) OR #factsAsOf <= :factsAsOf)`;
    return this.conditionalUpdate({
      Key: licenseKey(initial.licenseHash),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: facts.subscription
        ? `${newer} AND (attribute_not_exists(#subscriptionAsOf) OR #subscriptionAsOf <= :subscriptionAsOf)`
        : newer,
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
        'devices.#device.#state = :deactivated OR ' +
        '(devices.#device.#state = :pendingState AND devices.#device.claimedAt < :staleBefore))',
      ExpressionAttributeNames: { '#device': deviceSlotKey(instanceName), '#state': 'state' },
      ExpressionAttributeValues: {
        ':pending': { state: 'pending', instanceName, claimId, claimedAt },
        ':pendingState': 'pending',
        ':deactivated': 'deactivated',
        ':staleBefore': staleBefore,
      },
    }).then((record) => record !== undefined);
  }

  completeDevice(
    licenseHash: string,
    claimId: string,
    activation: Activation,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression:
        'SET devices.#device = :slot, lastActivation = :activation, updatedAt = :now',
      ConditionExpression: 'devices.#device.claimId = :claimId',
      ExpressionAttributeNames: { '#device': deviceSlotKey(activation.instanceName) },
      ExpressionAttributeValues: {
        ':slot': { state: 'active', ...activation },
        ':activation': activation,
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
      ExpressionAttributeNames: { '#device': deviceSlotKey(instanceName) },
      ExpressionAttributeValues: { ':claimId': claimId },
    });
  }

  deactivateDevices(
    licenseHash: string,
    gone: Activation[],
    at: string,
    forget: string[],
  ): Promise<LicenseRecord | undefined> {
    // DynamoDB refuses names and values an expression does not use: add them only when used.
    const names: Record<string, string> = gone.length > 0 ? { '#state': 'state' } : {};
    const values: Record<string, unknown> =
      gone.length > 0 ? { ':active': 'active', ':deactivated': 'deactivated', ':at': at } : {};
    const sets: string[] = [];
    const conditions: string[] = ['attribute_exists(pk)'];
    gone.forEach((device, index) => {
      names[`#g${index}`] = deviceSlotKey(device.instanceName);
      values[`:id${index}`] = device.instanceId;
      sets.push(
        `devices.#g${index}.#state = :deactivated`,
        `devices.#g${index}.deactivatedAt = :at`,
      );
      conditions.push(
        `devices.#g${index}.#state = :active`,
        `devices.#g${index}.instanceId = :id${index}`,
      );
    });
    const removes = forget.map((slotKey, index) => {
      names[`#f${index}`] = slotKey;
      return `devices.#f${index}`;
    });
    const update = [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
    ].join(' ');
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: update.trim(),
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
    });
  }

  async installAiKey(
    license: LicenseRecord,
    expectedHash: string | null,
    next: AiKey,
    spentKeys: SpentKey[],
  ): Promise<LicenseRecord | undefined> {
    const facts = factsUnchanged(license);
    const update = {
      TableName: this.tableName,
      Key: licenseKey(license.licenseHash),
      UpdateExpression: 'SET ai = :next, spentKeys = :spent, updatedAt = :now',
      ConditionExpression: `${
        expectedHash === null
          ? 'attribute_exists(pk) AND attribute_not_exists(ai)'
          : 'ai.#hash = :expected'
      } AND ${facts.condition}`,
      ExpressionAttributeNames: {
        ...(expectedHash === null ? {} : { '#hash': 'hash' }),
        ...facts.names,
      },
      ExpressionAttributeValues: {
        ':next': next,
        ':spent': spentKeys,
        ':now': next.issuedAt,
        ...(expectedHash === null ? {} : { ':expected': expectedHash }),
        ...facts.values,
      },
    };
    const previous = license.ai;
    if (!previous || previous.periodEnd === next.periodEnd) {
      return this.conditionalUpdate(update);
    }
    // A new period: keep the ended one's credit record (no tokens) as its own item, in one step.
    const { token: _token, ...ended } = previous;
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: update },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...creditPeriodKey(license.licenseHash, previous.periodEnd),
                  record: 'credit-period',
                  key: ended,
                  spentKeys: license.spentKeys ?? [],
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isCancelledByCondition(error)) return undefined;
      throw error;
    }
    return this.get(license.licenseHash);
  }

  markKeyDisabled(
    licenseHash: string,
    keyHash: string,
    at: string,
    usage: number,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression: 'SET ai.disabledAt = :at, ai.usageAtDisable = :usage, updatedAt = :at',
      ConditionExpression: 'ai.#hash = :keyHash',
      ExpressionAttributeNames: { '#hash': 'hash' },
      ExpressionAttributeValues: { ':at': at, ':usage': usage, ':keyHash': keyHash },
    });
  }

  markKeyEnabled(license: LicenseRecord, keyHash: string): Promise<LicenseRecord | undefined> {
    const facts = factsUnchanged(license);
    return this.conditionalUpdate({
      Key: licenseKey(license.licenseHash),
      UpdateExpression: 'REMOVE ai.disabledAt, ai.usageAtDisable',
      ConditionExpression: `ai.#hash = :keyHash AND ${facts.condition}`,
      ExpressionAttributeNames: { '#hash': 'hash', ...facts.names },
      ExpressionAttributeValues: { ':keyHash': keyHash, ...facts.values },
    });
  }

  markKeyGone(licenseHash: string, spent: SpentKey): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate({
      Key: licenseKey(licenseHash),
      UpdateExpression:
        'REMOVE ai SET spentKeys = list_append(if_not_exists(spentKeys, :none), :spent), updatedAt = :at',
      ConditionExpression: 'ai.#hash = :keyHash',
      ExpressionAttributeNames: { '#hash': 'hash' },
      ExpressionAttributeValues: {
        ':none': [],
        ':spent': [spent],
        ':at': spent.goneAt,
        ':keyHash': spent.hash,
      },
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

/**
 * A condition that holds only while the license's LemonSqueezy facts, subscription and refund are
 * what `license` shows: a key is issued or enabled only on the facts it was decided on (I4).
 */
function factsUnchanged(license: LicenseRecord): {
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const fields = ['factsAsOf', 'subscriptionAsOf', 'refundedAt'] as const;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = fields.map((field) => {
    names[`#u_${field}`] = field;
    const value = license[field];
    if (value === undefined) return `attribute_not_exists(#u_${field})`;
    values[`:u_${field}`] = value;
    return `#u_${field} = :u_${field}`;
  });
  return { condition: parts.join(' AND '), names, values };
}

import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  LicensePlan,
  LicenseRecord,
  ProviderFacts,
  Sighting,
  UnconfirmedRefusal,
} from '#domain/license.ts';
import { normaliseEmail } from '#domain/secrets.ts';
import type { RefundedPayment, Subscription } from '#domain/subscription.ts';
import { type ItemShape, stampedUpdate } from './items.ts';
import { LicenseDeviceWrites } from './license-device-writes.ts';
import { fromItem } from './license-item.ts';
import { sightingParts } from './sighting-update.ts';

/** Fields set only when a license is first stored. */
const CREATION_ONLY = ['kind', 'periodAnchor', 'devices', 'createdAt'] as const;

/**
 * Persistence of licenses, on one DynamoDB table (see table-definition.ts for its items):
 * LemonSqueezy's facts, subscription, refund and payments here; the device slots' writes in
 * LicenseDeviceWrites, the AI key's in LicenseKeyWrites, the read and the conditional update in
 * LicenseItem. Every
 * method that enforces an "exactly one" does it with a conditional write or a transaction, so
 * callers never need a read-then-write.
 */
export class DynamoDbLicenseStore extends LicenseDeviceWrites {
  /**
   * Writes LemonSqueezy's facts, creating the license from `initial` the first time it is seen
   * (creation-only fields of `initial` never overwrite stored ones), only if the stored facts are
   * not newer than `asOf`: the time the facts describe, taken *before* the upstream read (a
   * refresh, an activation) or the event's `updated_at` (a webhook). Undefined when newer facts
   * are stored ("newer wins", I4); nothing is written then. Facts of the very same instant
   * replace the stored ones (the later write read later). A `sighting` (a validate's heartbeat
   * and usage figure) rides on the same write; should its own conditions fail (the slot or the
   * key changed meanwhile), the facts are written alone.
   */
  async saveProviderFactsIfNewer(
    initial: LicenseRecord,
    facts: ProviderFacts,
    asOf: string,
    sighting?: Sighting,
  ): Promise<LicenseRecord | undefined> {
    const saved = await this.writeFacts(initial, facts, asOf, sighting);
    if (saved || !sighting) return saved;
    return this.writeFacts(initial, facts, asOf);
  }

  /**
   * Records that LemonSqueezy refused the license without confirmation (`refresh-license.ts`):
   * the first sighting's time is kept (a later one never moves it), and nothing is written when
   * facts newer than `asOf` are stored (they decide instead, I4). The record as stored after, or
   * undefined when newer facts won.
   */
  markUnconfirmedRefusal(
    licenseHash: string,
    mark: UnconfirmedRefusal,
    asOf: string,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(licenseHash, {
      UpdateExpression: 'SET unconfirmedRefusal = if_not_exists(unconfirmedRefusal, :mark)',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(factsAsOf) OR factsAsOf <= :asOf)',
      ExpressionAttributeValues: { ':mark': mark, ':asOf': asOf },
    });
  }

  /** Records a subscription's state (and the plan it sells now) unless a newer one is stored. */
  saveSubscription(
    licenseHash: string,
    subscription: Subscription,
    asOf: string,
    plan?: LicensePlan,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(licenseHash, {
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

  /** Marks the license's order as fully refunded (first time wins); undefined if unknown. */
  markRefunded(licenseHash: string, at: string): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(licenseHash, {
      UpdateExpression: 'SET refundedAt = if_not_exists(refundedAt, :at)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  /**
   * Records when the license's order was last read from LemonSqueezy. Only this attribute is
   * set, so it races with no other write; undefined if the license is unknown.
   */
  markOrderChecked(licenseHash: string, at: string): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(licenseHash, {
      UpdateExpression: 'SET orderCheckedAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  /** Records a subscription payment event unless a later one is stored. */
  async recordPayment(
    licenseHash: string,
    payment: NonNullable<LicenseRecord['lastPayment']>,
  ): Promise<void> {
    await this.conditionalUpdate(licenseHash, {
      UpdateExpression: 'SET lastPayment = :payment',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(lastPayment) OR lastPayment.#at <= :at)',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':payment': payment, ':at': payment.at },
    });
  }

  /**
   * Adds a refunded subscription payment to the license, if the stored list is still the one of
   * `license` (it only grows, so its size stands for it). Undefined when another writer changed
   * it first (read again and retry), or the license is unknown. A retry of this very write (its
   * answer lost after it committed) finds the invoice listed: its own work.
   */
  addRefundedPayment(
    license: LicenseRecord,
    refund: RefundedPayment,
  ): Promise<LicenseRecord | undefined> {
    const count = license.refundedPayments?.length ?? 0;
    return this.conditionalUpdate(
      license.licenseHash,
      {
        UpdateExpression:
          'SET refundedPayments = list_append(if_not_exists(refundedPayments, :none), :refund)',
        ConditionExpression: `attribute_exists(pk) AND ${
          count === 0 ? 'attribute_not_exists(refundedPayments)' : 'size(refundedPayments) = :count'
        }`,
        ExpressionAttributeValues: {
          ':none': [],
          ':refund': [refund],
          ...(count === 0 ? {} : { ':count': count }),
        },
      },
      (stored) => (stored.refundedPayments ?? []).some((r) => r.invoiceId === refund.invoiceId),
    );
  }

  /**
   * One page of a walk over the usable LemonSqueezy licenses (a Scan, filtered: it reads, and is
   * billed for, `limit` items of any kind). `cursor` is where the previous page stopped; the
   * answer's `next` is undefined once the walk has reached the end of the table. `anyStatus`
   * returns the licenses of every status (the reconciler's repairs): a Scan bills the items it
   * reads before the filter, so a wider filter costs no extra capacity.
   */
  async activeLicensePage(
    cursor: string | undefined,
    limit: number,
    anyStatus = false,
  ): Promise<{ licenses: LicenseRecord[]; next: string | undefined }> {
    const result = await this.documents.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: limit,
        FilterExpression: `sk = :sk AND kind = :kind${anyStatus ? '' : ' AND #status = :active'}`,
        ...(anyStatus ? {} : { ExpressionAttributeNames: { '#status': 'status' } }),
        ExpressionAttributeValues: {
          ':sk': 'LICENSE',
          ':kind': 'lemonsqueezy',
          ...(anyStatus ? {} : { ':active': 'active' }),
        },
        ExclusiveStartKey: cursor === undefined ? undefined : parseCursor(cursor),
      }),
    );
    return {
      licenses: (result.Items ?? []).flatMap((item) => fromItem(item) ?? []),
      next: result.LastEvaluatedKey ? JSON.stringify(result.LastEvaluatedKey) : undefined,
    };
  }

  /** Where the scheduled sweep `name` stopped last time (undefined: start from the beginning). */
  async sweepCursor(name: string): Promise<string | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: sweepKey(name), ConsistentRead: true }),
    );
    const cursor = result.Item?.cursor;
    return typeof cursor === 'string' ? cursor : undefined;
  }

  /**
   * Records where the sweep `name` goes on next time; undefined starts it over. SET and REMOVE,
   * not a Put: attributes a newer release added stay.
   */
  async saveSweepCursor(name: string, cursor: string | undefined, at: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sweepKey(name),
        ...stampedUpdate(
          {
            UpdateExpression:
              cursor === undefined
                ? 'SET updatedAt = :at REMOVE #cursor'
                : 'SET updatedAt = :at, #cursor = :cursor',
            ExpressionAttributeNames: { '#cursor': 'cursor' },
            ExpressionAttributeValues: {
              ':at': at,
              ...(cursor === undefined ? {} : { ':cursor': cursor }),
            },
          },
          SWEEP_CURSOR_ITEM,
        ),
      }),
    );
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
    sighting?: Sighting,
  ): Promise<LicenseRecord | undefined> {
    const extra = sighting ? sightingParts(sighting) : undefined;
    const names: Record<string, string> = { ...extra?.names };
    const values: Record<string, unknown> = { ...extra?.values };
    const sets: string[] = [...(extra?.sets ?? [])];
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
    // A sighting is of a stored license (its conditions need the slot), and its path inside
    // `devices` may not overlap a SET of `devices` itself in the same expression.
    if (!sighting) for (const field of CREATION_ONLY) set(field, initial[field], true);
    set('licenseHash', initial.licenseHash);
    set('updatedAt', facts.statusCheckedAt);
    set('factsAsOf', asOf);
    if (facts.subscription) set('subscriptionAsOf', asOf);
    if (facts.customerEmail) set('email', normaliseEmail(facts.customerEmail));
    const newer = [`(attribute_not_exists(#factsAsOf) OR #factsAsOf <= :factsAsOf)`];
    if (facts.subscription) {
      newer.push(
        '(attribute_not_exists(#subscriptionAsOf) OR #subscriptionAsOf <= :subscriptionAsOf)',
      );
    }
    // Facts LemonSqueezy stated (or a webhook, the authority) settle any unconfirmed refusal.
    return this.conditionalUpdate(initial.licenseHash, {
      UpdateExpression: `SET ${sets.join(', ')} REMOVE unconfirmedRefusal`,
      ConditionExpression: [...newer, ...(extra?.conditions ?? [])].join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }
}

/** The item holding a scheduled sweep's progress: one per sweep, beside the licenses. */
const sweepKey = (name: string) => ({ pk: `SWEEP#${name}`, sk: 'CURSOR' });

/** A sweep's progress (`cursor`, absent when it starts over; `updatedAt`). Version 1 adds `schemaVersion`. */
export const SWEEP_CURSOR_ITEM = {
  version: 1,
  fields: { pk: 0, sk: 0, cursor: 0, updatedAt: 0, schemaVersion: 1 },
} as const satisfies ItemShape;

/** A stored cursor back to Scan's start key; a cursor we cannot read starts the walk over. */
function parseCursor(cursor: string): Record<string, string> | undefined {
  try {
    const { pk, sk } = JSON.parse(cursor) as Record<string, unknown>;
    if (typeof pk === 'string' && typeof sk === 'string') return { pk, sk };
  } catch {
    // Not JSON, or null: start over.
  }
  return undefined;
}

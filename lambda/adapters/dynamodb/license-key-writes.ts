import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AiKey, KeyIntent, LicenseRecord, SpentKey } from '#domain/license.ts';
import { isCancelledByCondition, stampedUpdate } from './items.ts';
import {
  CREDIT_PERIOD_ITEM,
  creditPeriodKey,
  LICENSE_ITEM,
  LicenseItem,
  licenseKey,
} from './license-item.ts';

/**
 * The AI key's writes on the license item (I1): installing a period's key (and keeping the ended
 * period's record), disabling, enabling and forgetting it, caching its usage. Installing and
 * enabling hold only while the facts access was decided on are unchanged.
 */
export class LicenseKeyWrites extends LicenseItem {
  /**
   * Installs `next` as the license's key if the stored key is still `expectedHash` (null: no key
   * stored) and the license's facts are still those of `license` (the ones access was decided
   * on), with the period's dead keys `spentKeys`. When the stored key belongs to an earlier
   * period, that period's record (keys without tokens) is kept as its own item. Returns the
   * record after the write, or undefined when another writer got there first.
   */
  async installAiKey(
    license: LicenseRecord,
    expectedHash: string | null,
    next: AiKey,
    spentKeys: SpentKey[],
  ): Promise<LicenseRecord | undefined> {
    const facts = factsUnchanged(license);
    const update = {
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
    // A retry of this very install (its answer lost after it committed) finds `next` stored.
    const ours = (stored: LicenseRecord) => stored.ai?.hash === next.hash;
    const previous = license.ai;
    if (!previous || previous.periodEnd === next.periodEnd) {
      return this.conditionalUpdate(license.licenseHash, update, ours);
    }
    // A new period: keep the ended one's credit record (no tokens) as its own item, in one step.
    const { token: _token, ...ended } = previous;
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                ...stampedUpdate(update, LICENSE_ITEM),
                TableName: this.tableName,
                Key: licenseKey(license.licenseHash),
              },
            },
            {
              // SET, not a Put: attributes a newer release added to the record stay.
              Update: {
                ...stampedUpdate(
                  {
                    UpdateExpression:
                      'SET #record = :record, #key = :ended, #spentKeys = :endedSpent',
                    ExpressionAttributeNames: {
                      '#record': 'record',
                      '#key': 'key',
                      '#spentKeys': 'spentKeys',
                    },
                    ExpressionAttributeValues: {
                      ':record': 'credit-period',
                      ':ended': ended,
                      ':endedSpent': license.spentKeys ?? [],
                    },
                  },
                  CREDIT_PERIOD_ITEM,
                ),
                TableName: this.tableName,
                Key: creditPeriodKey(license.licenseHash, previous.periodEnd),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!isCancelledByCondition(error)) throw error;
      const stored = await this.get(license.licenseHash);
      return stored && ours(stored) ? stored : undefined;
    }
    return this.get(license.licenseHash);
  }

  /**
   * Opens `intent` on the key before OpenRouter is asked to change it (step 1 of a two-system
   * step), if it is still the key; enabling also only on the facts of `license` (no hold), like
   * `markKeyEnabled`. Replaces an intent left open by a writer that died. Undefined when the key
   * or the facts moved: nothing was asked of OpenRouter yet, so the caller decides again.
   */
  markKeyIntent(
    license: LicenseRecord,
    keyHash: string,
    intent: KeyIntent,
  ): Promise<LicenseRecord | undefined> {
    const facts = intent.to === 'enabled' ? factsUnchanged(license) : undefined;
    return this.conditionalUpdate(
      license.licenseHash,
      {
        UpdateExpression: 'SET ai.intent = :intent',
        ConditionExpression: `ai.#hash = :keyHash${facts ? ` AND ${facts.condition}` : ''}`,
        ExpressionAttributeNames: { '#hash': 'hash', ...facts?.names },
        ExpressionAttributeValues: { ':intent': intent, ':keyHash': keyHash, ...facts?.values },
      },
      (stored) => stored.ai?.intent?.id === intent.id,
    );
  }

  /**
   * Records that the key is disabled upstream and what it had spent, closing any open intent;
   * if it is still the key. (Disabling is the safe direction: it needs no intent of its own.)
   */
  markKeyDisabled(
    licenseHash: string,
    keyHash: string,
    at: string,
    usage: number,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(licenseHash, {
      UpdateExpression:
        'SET ai.disabledAt = :at, ai.usageAtDisable = :usage, updatedAt = :at REMOVE ai.intent',
      ConditionExpression: 'ai.#hash = :keyHash',
      ExpressionAttributeNames: { '#hash': 'hash' },
      ExpressionAttributeValues: { ':at': at, ':usage': usage, ':keyHash': keyHash },
    });
  }

  /**
   * Records that the disabled key works again, if it is still the key, the license's facts are
   * still those of `license` (the ones access was decided on) and the open intent is still
   * `intentId` (a revoke since then wrote its own: the enable lost and is undone by the caller).
   */
  markKeyEnabled(
    license: LicenseRecord,
    keyHash: string,
    intentId: string,
  ): Promise<LicenseRecord | undefined> {
    const facts = factsUnchanged(license);
    return this.conditionalUpdate(
      license.licenseHash,
      {
        UpdateExpression: 'REMOVE ai.disabledAt, ai.usageAtDisable, ai.intent',
        ConditionExpression: `ai.#hash = :keyHash AND ai.intent.id = :intentId AND ${facts.condition}`,
        ExpressionAttributeNames: { '#hash': 'hash', ...facts.names },
        ExpressionAttributeValues: { ':keyHash': keyHash, ':intentId': intentId, ...facts.values },
      },
      // A retry of this write (its answer lost) finds the key live with no intent: its own work.
      (stored) =>
        stored.ai?.hash === keyHash && !stored.ai.disabledAt && stored.ai.intent === undefined,
    );
  }

  /**
   * Sets or lifts an operator's hold on the license's AI (`aiHold`); undefined when the license
   * does not exist.
   */
  setAiHold(
    licenseHash: string,
    hold: NonNullable<LicenseRecord['aiHold']> | undefined,
  ): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(licenseHash, {
      UpdateExpression: hold ? 'SET aiHold = :hold' : 'REMOVE aiHold',
      ConditionExpression: 'attribute_exists(pk)',
      ...(hold ? { ExpressionAttributeValues: { ':hold': hold } } : {}),
    });
  }

  /** Forgets a key OpenRouter no longer has, keeping what it spent; if it is still the key. */
  markKeyGone(licenseHash: string, spent: SpentKey): Promise<LicenseRecord | undefined> {
    return this.conditionalUpdate(licenseHash, {
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
}

/**
 * A condition that holds only while the license's LemonSqueezy facts, subscription and refunds are
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
  // Nor a refunded payment recorded since (the list only grows: its size tells).
  names['#u_refundedPayments'] = 'refundedPayments';
  const refunds = license.refundedPayments?.length ?? 0;
  if (refunds === 0) parts.push('attribute_not_exists(#u_refundedPayments)');
  else {
    values[':u_refundedPayments'] = refunds;
    parts.push('size(#u_refundedPayments) = :u_refundedPayments');
  }
  // No operator hold either: a key is never enabled or issued on a license an operator turned off.
  names['#u_aiHold'] = 'aiHold';
  parts.push('attribute_not_exists(#u_aiHold)');
  return { condition: parts.join(' AND '), names, values };
}

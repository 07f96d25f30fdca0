import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { productsConfig } from '#config/products.ts';
import { licenseHashOf } from '#domain/license.ts';
import type { IssuedKey } from '#local/sandbox/openrouter-keys.ts';
import { exposedCredit, keysOfLicense, SAAS_CREDIT } from '#test/helpers/integrity-checks.ts';
import { localDocumentClient } from '#test/helpers/local-documents.ts';
import type { HttpResult, TestStack } from '#test/helpers/test-stack.ts';

/**
 * The invariants the DynamoDB fault matrix checks after each cell (docs/design.md, "Invariants"),
 * read from the table directly (not through the fault proxy) and from the doubles' ground truth.
 * Each check returns what it found wrong, in a few words, so a cell can name every broken
 * invariant.
 */

interface Slot {
  state: string;
  instanceId?: string;
  instanceName?: string;
  deactivation?: unknown;
}

export interface LicensePartition {
  license: (Record<string, unknown> & { devices?: Record<string, Slot> }) | undefined;
  /** The key hashes any item of the license's partition records (the license, credit periods). */
  recorded: Set<string>;
}

const documents = localDocumentClient();

/** Every item of the license's partition, read consistently and past the fault proxy. */
export async function readPartition(
  stack: TestStack,
  licenseKey: string,
): Promise<LicensePartition> {
  const answer = await documents.send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `LICENSE#${licenseHashOf(licenseKey)}` },
      ConsistentRead: true,
    }),
  );
  const items = answer.Items ?? [];
  const recorded = new Set(
    items
      .map((item) => (item.ai as { hash?: string } | undefined)?.hash)
      .filter((hash): hash is string => typeof hash === 'string'),
  );
  return { license: items.find((item) => item.sk === 'LICENSE'), recorded };
}

export const slotsOf = (partition: LicensePartition): Slot[] =>
  Object.values(partition.license?.devices ?? {});

/** A key a client can use right now: at OpenRouter, neither disabled, deleted nor expired. */
export function isLive(stack: TestStack, key: IssuedKey | undefined): key is IssuedKey {
  const now = stack.clock.now().getTime();
  return (
    key !== undefined &&
    !key.disabled &&
    !key.deleted &&
    (key.expiresAt === null || Date.parse(key.expiresAt) > now)
  );
}

/** Whether the token in a 200 is a live key of the license. */
export function tokenWorks(stack: TestStack, licenseKey: string, response: HttpResult): boolean {
  const token = response.body?.ai_details?.token as string | undefined;
  const key = keysOfLicense(stack, licenseKey).find((issued) => issued.key === token);
  return isLive(stack, key);
}

/** Whether LemonSqueezy says the license may not be used (status or subscription). */
export function unusableAtLemonSqueezy(stack: TestStack, licenseKey: string): boolean {
  const truth = stack.lemonSqueezy.snapshot(licenseKey);
  const subscription = truth.subscription?.status ?? 'active';
  return (
    truth.status === 'disabled' ||
    truth.status === 'expired' ||
    subscription === 'paused' ||
    subscription === 'expired'
  );
}

/**
 * The invariants of one license after a cell's retry, its client told of every change:
 * - no orphan key: every live key of the license is the one its items record;
 * - I1: per credit period, the credit exposed stays within the plan's (the trial's);
 * - I3: the instances LemonSqueezy holds are exactly the devices recorded active;
 * - I2: a license LemonSqueezy calls unusable has no enabled key;
 * - no activation or deactivation claim outlives the request.
 */
export async function brokenInvariants(
  stack: TestStack,
  licenseKey: string,
  trial: boolean,
): Promise<string[]> {
  const broken: string[] = [];
  const partition = await readPartition(stack, licenseKey);
  const keys = keysOfLicense(stack, licenseKey);
  const orphans = keys.filter((key) => isLive(stack, key) && !partition.recorded.has(key.hash));
  if (orphans.length > 0) broken.push(`${orphans.length} orphan key(s)`);
  const credit = trial ? productsConfig.trial.credits_usd : SAAS_CREDIT;
  for (const periodEnd of new Set(keys.map((key) => key.expiresAt ?? ''))) {
    const exposed = exposedCredit(stack, licenseKey, periodEnd || undefined);
    if (exposed > credit) broken.push(`I1: $${exposed} exposed > $${credit} (${periodEnd})`);
  }
  const slots = slotsOf(partition);
  if (!trial) {
    const held = stack.lemonSqueezy
      .snapshot(licenseKey)
      .instances.map((instance) => instance.id)
      .sort();
    const active = slots
      .filter((slot) => slot.state === 'active')
      .map((slot) => slot.instanceId ?? '?')
      .sort();
    if (held.join() !== active.join()) {
      broken.push(`I3: LemonSqueezy holds ${held.length} seat(s), ${active.length} active here`);
    }
    if (unusableAtLemonSqueezy(stack, licenseKey) && keys.some((key) => isLive(stack, key))) {
      broken.push('I2: a live key on a license LemonSqueezy calls unusable');
    }
  }
  if (slots.some((slot) => slot.state === 'pending')) broken.push('a pending activation claim');
  if (slots.some((slot) => slot.deactivation !== undefined)) broken.push('a deactivation claim');
  return broken;
}

/**
 * FROZEN COPY, not today's code: the item readers of release/stop-29 (commit
 * 0dd3dd656809152a859d66d7b2eb69a1a4aa2ed1), from lambda/adapters/dynamodb/{license-item,
 * trial-store, admin-store, idempotency-store, webhook-store, negative-cache, license-store,
 * claimed-items, rate-limits}.ts at that commit. Only the I/O is taken off: each takes the item
 * (or the answer's attributes) its DynamoDB read returned. They stand for the release a rollback
 * goes back to, so they are never edited to follow today's code; when the next release is tagged,
 * replace them with its readers (and the header's commit).
 */

type Item = Record<string, unknown>;

const TTL = 'ttl';
/** domain/remembered-refusal.ts at that commit. */
const REMEMBERED_CODES = ['LICENSE_NOT_FOUND', 'PRODUCT_NOT_ALLOWED'] as const;

/** license-item.ts `fromItem`: the record is the item without its key and index attributes. */
export function licenseFromItem(item: Item | undefined): Item | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, email: _email, ...record } = item;
  return record;
}

/** trial-store.ts `findClaims` (projection `pk, licenseHash, trialKey, recoverableUntil`). */
export function trialClaimFrom(item: Item) {
  return {
    licenseHash: stringOrUndefined(item.licenseHash),
    trialKey: stringOrUndefined(item.trialKey),
    recoverableUntil: stringOrUndefined(item.recoverableUntil),
  };
}

/** admin-store.ts `trialClaims`: what an operator's trial reset reads of a claim. */
export function adminTrialClaimFrom(item: Item) {
  return { licenseHash: String(item.licenseHash ?? ''), createdAt: String(item.createdAt ?? '') };
}

/** admin-store.ts `listAudit`: records past their TTL skipped, the rest without key and TTL. */
export function auditRecordsFrom(items: Item[], now: Date): Item[] {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return items
    .filter((item) => typeof item.ttl !== 'number' || item.ttl > nowSeconds)
    .map(({ pk: _pk, sk: _sk, ttl: _ttl, ...record }) => record);
}

/** idempotency-store.ts `claim`, after its conditional put failed: what holds the key. */
export function idempotencyRecordFrom(item: Item | undefined, now: Date, fingerprint: string) {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const live = item && Number(item[TTL]) > nowSeconds;
  if (live && item.state === 'done') {
    const response = item.response as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
      isBase64Encoded: boolean;
    };
    return { state: 'done' as const, fingerprint: String(item.fingerprint), response };
  }
  if (live && item.state === 'processing') {
    return { state: 'processing' as const, fingerprint: String(item.fingerprint) };
  }
  return { state: 'processing' as const, fingerprint };
}

/** claimed-items.ts `claim`: whether the item a refused claim found is this claim's own. */
export function claimHeldBy(found: Item | undefined, claimId: string): boolean {
  return found?.state === 'processing' && found.claimId === claimId;
}

/** webhook-store.ts `claimEvent`, after its claim failed. */
export function eventClaimFrom(existing: Item | undefined): 'done' | 'busy' {
  return existing?.state === 'done' ? 'done' : 'busy';
}

/** webhook-store.ts `findLicense` (a subscription's link). */
export function subscriptionLicenseFrom(item: Item | undefined): string | undefined {
  return typeof item?.licenseHash === 'string' ? item.licenseHash : undefined;
}

/** webhook-store.ts `findLicenses` (an order's links). */
export function orderLicensesFrom(item: Item | undefined): string[] {
  const hashes = new Set<string>();
  if (typeof item?.licenseHash === 'string') hashes.add(item.licenseHash);
  if (item?.licenseHashes instanceof Set) {
    for (const hash of item.licenseHashes) if (typeof hash === 'string') hashes.add(hash);
  }
  return [...hashes].sort();
}

/** webhook-store.ts `linkLicense`: the order's refund as the link's answer holds it. */
export function orderRefundFrom(attributes: Item | undefined): { orderRefundedAt?: string } {
  const refundedAt = attributes?.refundedAt;
  return typeof refundedAt === 'string' ? { orderRefundedAt: refundedAt } : {};
}

/** negative-cache.ts `get`: a live refusal of a code it remembers, else nothing. */
export function rememberedRefusalFrom(item: Item | undefined, now: Date) {
  if (!item || Number(item[TTL]) <= Math.floor(now.getTime() / 1000)) return undefined;
  const { code, detail } = item;
  if (typeof code !== 'string' || !(REMEMBERED_CODES as readonly string[]).includes(code)) {
    return undefined;
  }
  if (typeof detail !== 'string') return undefined;
  return { code, detail };
}

/** license-store.ts `sweepCursor` and `parseCursor`: where a sweep goes on (undefined: over). */
export function sweepStartFrom(item: Item | undefined): Record<string, string> | undefined {
  const cursor = item?.cursor;
  if (typeof cursor !== 'string') return undefined;
  try {
    const { pk, sk } = JSON.parse(cursor) as Record<string, unknown>;
    if (typeof pk === 'string' && typeof sk === 'string') return { pk, sk };
  } catch {
    // Not JSON, or null: start over.
  }
  return undefined;
}

/** rate-limits.ts `take`: the count an increment's answer (`UPDATED_NEW`) holds. */
export function rateCountFrom(attributes: Item | undefined, max: number): number {
  return Number(attributes?.count ?? max);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

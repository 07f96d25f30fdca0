import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ClaimedItems, epochSeconds } from './claimed-items.ts';
import type { ItemShape } from './items.ts';
import { TABLE_KEYS } from './table-definition.ts';

/** A response as it is kept for replay: everything the client saw, nothing else. */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * One `Idempotency-Key` of one caller on one route: the key, and the caller, only ever travel as
 * SHA-256 hashes.
 */
export interface IdempotencyRef {
  /** The route the key belongs to (`/v1/trial`): the same key on another route is another key. */
  route: string;
  /**
   * Whose request it is (`http/idempotency-scope.ts`: the license, or the trial's device and
   * email), hashed: the same key sent for another caller is another key.
   */
  callerHash: string;
  keyHash: string;
}

/** What holds a key that could not be claimed. */
export type IdempotencyRecord =
  | { state: 'processing'; fingerprint: string }
  | { state: 'done'; fingerprint: string; response: StoredResponse };

export interface IdempotencyClaimRequest extends IdempotencyRef {
  /** SHA-256 of the route and the raw body: a retry must send the same bytes. */
  fingerprint: string;
  claimId: string;
  now: Date;
  /** A `processing` claim made before this may be taken over: its holder died. */
  staleBefore: Date;
  /** When the claim (and later the stored response) is forgotten. */
  expiresAt: Date;
}

/**
 * Four parts, where the release before callers were scoped wrote three
 * (`IDEMPOTENCY#<route>#<key hash>`): neither release ever reads the other's items, which expire
 * within 24 h by their TTL.
 */
const idempotencyKey = (ref: IdempotencyRef) => ({
  pk: `IDEMPOTENCY#${ref.route}#${ref.callerHash}#${ref.keyHash}`,
  sk: 'IDEMPOTENCY',
});

/**
 * An idempotency item: the claim (`state`, `claimId`, `claimedAt`, `fingerprint`, `ttl`) and,
 * once done, the `response` replayed. Version 1 adds `schemaVersion`.
 */
export const IDEMPOTENCY_ITEM = {
  version: 1,
  fields: {
    pk: 0,
    sk: 0,
    state: 0,
    claimId: 0,
    claimedAt: 0,
    fingerprint: 0,
    ttl: 0,
    response: 0,
    schemaVersion: 1,
  },
} as const satisfies ItemShape;

/**
 * The record of requests sent with an `Idempotency-Key`, on the service's table:
 * `IDEMPOTENCY#<route>#<caller hash>#<key hash>` items, claimed, completed and released like the
 * webhook store's `EVENT#…` items (state `processing`, then `done` or `released`). Stored
 * responses carry secrets (trial keys, OpenRouter tokens): they stay in the encrypted table and
 * are never logged. Every item carries the TTL attribute; since DynamoDB deletes expired items
 * lazily (up to days late), the claim also treats an item past its TTL as free.
 */
export class DynamoDbIdempotencyStore {
  private readonly items: ClaimedItems;

  constructor(documents: DynamoDBDocumentClient, tableName: string) {
    this.items = new ClaimedItems(documents, tableName, IDEMPOTENCY_ITEM);
  }

  /**
   * Claims the key with a conditional write: `claimed` if it was free, expired, or held by a
   * stale claim for the same fingerprint; else the record that holds it.
   */
  async claim(request: IdempotencyClaimRequest): Promise<'claimed' | IdempotencyRecord> {
    const now = epochSeconds(request.now);
    const claimed = await this.items.claim(
      idempotencyKey(request),
      {
        claimId: request.claimId,
        claimedAt: request.now.toISOString(),
        fingerprint: request.fingerprint,
        // A claim whose holder died and that nobody retries must not stay forever either.
        [TABLE_KEYS.ttlAttribute]: epochSeconds(request.expiresAt),
      },
      {
        // A stale claim is only taken over for the same body: another body is a reused key.
        expression:
          'attribute_not_exists(pk) OR #ttl <= :now OR #state = :released OR ' +
          '(#state = :processing AND claimedAt < :staleBefore AND fingerprint = :fingerprint)',
        names: { '#state': 'state', '#ttl': TABLE_KEYS.ttlAttribute },
        values: {
          ':now': now,
          ':processing': 'processing',
          ':released': 'released',
          ':staleBefore': request.staleBefore.toISOString(),
          ':fingerprint': request.fingerprint,
        },
      },
    );
    if (claimed) return 'claimed';
    const item = await this.items.read(idempotencyKey(request));
    const live = item && Number(item[TABLE_KEYS.ttlAttribute]) > now;
    if (live && item.state === 'done') {
      const response = item.response as StoredResponse;
      return { state: 'done', fingerprint: String(item.fingerprint), response };
    }
    if (live && item.state === 'processing') {
      return { state: 'processing', fingerprint: String(item.fingerprint) };
    }
    // Released, expired or gone between the write and this read: the key just came free. Report
    // it as in flight, so the client retries and claims it then.
    return { state: 'processing', fingerprint: request.fingerprint };
  }

  /** Stores the answer of a claimed key, replayed until `expiresAt`; a lost claim is a no-op. */
  complete(
    ref: IdempotencyRef,
    claimId: string,
    response: StoredResponse,
    expiresAt: Date,
  ): Promise<void> {
    return this.items.complete(idempotencyKey(ref), claimId, expiresAt, { response });
  }

  /**
   * Gives a claim back (the request failed with a 5xx), so a retry runs the request again. The
   * item is marked `released` rather than deleted: the activate function may not delete items,
   * and the claim takes a released item like a missing one. The TTL still removes it.
   */
  release(ref: IdempotencyRef, claimId: string): Promise<void> {
    return this.items.markReleased(idempotencyKey(ref), claimId);
  }
}

/** A response as it is kept for replay: everything the client saw, nothing else. */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** One `Idempotency-Key` of one route: the key only ever travels as its SHA-256. */
export interface IdempotencyRef {
  /** The route the key belongs to (`/v1/trial`): the same key on another route is another key. */
  scope: string;
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
 * The record of requests sent with an `Idempotency-Key`. Stored responses carry secrets (trial
 * keys, OpenRouter tokens): an adapter keeps them in the encrypted table and never logs them.
 */
export interface IdempotencyStore {
  /**
   * Claims the key with a conditional write: `claimed` if it was free, expired, or held by a
   * stale claim for the same fingerprint; else the record that holds it.
   */
  claim(request: IdempotencyClaimRequest): Promise<'claimed' | IdempotencyRecord>;
  /** Stores the answer of a claimed key, replayed until `expiresAt`; a lost claim is a no-op. */
  complete(
    ref: IdempotencyRef,
    claimId: string,
    response: StoredResponse,
    expiresAt: Date,
  ): Promise<void>;
  /** Gives a claim back (the request failed with a 5xx), so a retry runs the request again. */
  release(ref: IdempotencyRef, claimId: string): Promise<void>;
}

/** What happened to an event id when a delivery tried to claim it. */
export type EventClaim = 'claimed' | 'done' | 'busy';

/**
 * The record of webhook deliveries (an event id is the SHA-256 of the signed body, since
 * LemonSqueezy sends no event id and retries byte-identical bodies) and the links from
 * LemonSqueezy ids to our licenses.
 */
export interface WebhookStore {
  /**
   * Claims an event for processing with a conditional write: `done` if it was applied before,
   * `busy` while another delivery is applying it (unless that claim is older than
   * `staleBefore`), else `claimed`.
   */
  claimEvent(
    eventId: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ): Promise<EventClaim>;
  /** Marks a claimed event applied; it is remembered until `expiresAt` (then a DynamoDB TTL drops it). */
  completeEvent(eventId: string, claimId: string, expiresAt: Date): Promise<void>;
  /** Gives a claim back after a failure, so LemonSqueezy's retry can apply the event. */
  releaseEvent(eventId: string, claimId: string): Promise<void>;
  /**
   * Remembers which license an order or subscription belongs to. An order may sell several
   * license keys, so an order link adds to the order's set; a subscription has one license.
   */
  linkLicense(
    kind: 'order' | 'subscription',
    id: string,
    licenseHash: string,
  ): Promise<{ orderRefundedAt?: string }>;
  /**
   * Records an order's full refund on the order itself, so a license of the order that is
   * activated only later is refunded too (first refund time wins).
   */
  recordOrderRefund(orderId: string, at: string): Promise<void>;
  /** The license a subscription belongs to, if it is linked. */
  findLicense(kind: 'subscription', id: string): Promise<string | undefined>;
  /** Every license linked to an order (none if unknown), in a stable order. */
  findLicenses(kind: 'order', id: string): Promise<string[]>;
}

import type {
  Activation,
  AiKey,
  LicensePlan,
  LicenseRecord,
  LicenseStatus,
  Subscription,
} from '#domain/license.ts';

/** The facts LemonSqueezy reported, written over the stored ones on each check. */
export type ProviderFacts = Pick<
  LicenseRecord,
  | 'status'
  | 'expiresAt'
  | 'customerName'
  | 'customerEmail'
  | 'provider'
  | 'plan'
  | 'statusCheckedAt'
> &
  Partial<Pick<LicenseRecord, 'subscription'>>;

/**
 * Persistence of licenses. Every method that enforces an "exactly one" does it with a conditional
 * write or a transaction, so callers never need a read-then-write.
 */
export interface LicenseStore {
  /** A license by the hash of its key (strongly consistent read). */
  get(licenseHash: string): Promise<LicenseRecord | undefined>;
  /**
   * Writes LemonSqueezy's facts, creating the license from `initial` the first time it is seen
   * (creation-only fields of `initial` never overwrite stored ones). Returns the stored record.
   */
  saveProviderFacts(initial: LicenseRecord, facts: ProviderFacts): Promise<LicenseRecord>;
  /**
   * `saveProviderFacts` for a webhook: applied only if the stored facts are not newer than
   * `asOf` (the event's `updated_at`); undefined when they are ("newer wins").
   */
  saveProviderFactsIfNewer(
    initial: LicenseRecord,
    facts: ProviderFacts,
    asOf: string,
  ): Promise<LicenseRecord | undefined>;
  /** Records a subscription's state (and the plan it sells now) unless a newer one is stored. */
  saveSubscription(
    licenseHash: string,
    subscription: Subscription,
    asOf: string,
    plan?: LicensePlan,
  ): Promise<LicenseRecord | undefined>;
  /** Marks the license's order as fully refunded (first time wins); undefined if unknown. */
  markRefunded(licenseHash: string, at: string): Promise<LicenseRecord | undefined>;
  /** Records a subscription payment event unless a later one is stored. */
  recordPayment(
    licenseHash: string,
    payment: NonNullable<LicenseRecord['lastPayment']>,
  ): Promise<void>;
  /**
   * Reserves the device slot `instanceName` for `claimId`. Succeeds when the slot is free or
   * held by a claim older than `staleBefore` (its holder died); false when someone holds it.
   */
  claimDevice(
    licenseHash: string,
    instanceName: string,
    claimId: string,
    claimedAt: string,
    staleBefore: string,
  ): Promise<boolean>;
  /** Turns our claim into an activation; undefined if the claim is no longer ours. */
  completeDevice(
    licenseHash: string,
    claimId: string,
    activation: Activation,
    upstream: { status: LicenseStatus; activationUsage: number },
  ): Promise<LicenseRecord | undefined>;
  /** Gives a claim back (activation failed); a slot held by someone else is left alone. */
  releaseDevice(licenseHash: string, instanceName: string, claimId: string): Promise<void>;
  /**
   * Installs `next` as the license's key if the stored key is still `expectedHash` (null: no key
   * stored). Returns the record after the write, or undefined when another writer got there first.
   */
  replaceAiKey(
    licenseHash: string,
    expectedHash: string | null,
    next: AiKey,
  ): Promise<LicenseRecord | undefined>;
  /** Forgets the license's key if it is still `expectedHash`; returns the record after. */
  clearAiKey(licenseHash: string, expectedHash: string): Promise<LicenseRecord | undefined>;
  /** Caches the key's remaining credit, if the key is still the current one. */
  recordKeyUsage(
    licenseHash: string,
    keyHash: string,
    limitRemaining: number,
    checkedAt: string,
  ): Promise<void>;
}

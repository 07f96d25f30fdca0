import type {
  Activation,
  AiKey,
  LicensePlan,
  LicenseRecord,
  ProviderFacts,
  SpentKey,
  Subscription,
} from '#domain/license.ts';

/**
 * Persistence of licenses. Every method that enforces an "exactly one" does it with a conditional
 * write or a transaction, so callers never need a read-then-write.
 */
export interface LicenseStore {
  /** A license by the hash of its key (strongly consistent read). */
  get(licenseHash: string): Promise<LicenseRecord | undefined>;
  /**
   * Writes LemonSqueezy's facts, creating the license from `initial` the first time it is seen
   * (creation-only fields of `initial` never overwrite stored ones), only if the stored facts are
   * not newer than `asOf`: the time the facts describe, taken *before* the upstream read (a
   * refresh, an activation) or the event's `updated_at` (a webhook). Undefined when newer facts
   * are stored ("newer wins", I4); nothing is written then. Facts of the very same instant
   * replace the stored ones (the later write read later).
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
   * Reserves the device slot of `instanceName` for `claimId`. Succeeds when the slot is free,
   * deactivated, or held by a claim older than `staleBefore` (its holder died); false when
   * someone holds it or it is active.
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
  ): Promise<LicenseRecord | undefined>;
  /** Gives a claim back (activation failed); a slot held by someone else is left alone. */
  releaseDevice(licenseHash: string, instanceName: string, claimId: string): Promise<void>;
  /**
   * Marks devices whose LemonSqueezy instance is gone as deactivated (only if each still holds
   * that instance) and drops deactivated slots older than `forgetBefore`. Undefined when a slot
   * changed meanwhile (re-read and decide again). `seatsInUse`, when LemonSqueezy's instance list
   * was just read, is stored as the key's activation usage.
   */
  deactivateDevices(
    licenseHash: string,
    gone: Activation[],
    at: string,
    forget: string[],
    seatsInUse?: number,
  ): Promise<LicenseRecord | undefined>;
  /**
   * Installs `next` as the license's key if the stored key is still `expectedHash` (null: no key
   * stored) and the license's facts are still those of `license` (the ones access was decided
   * on), with the period's dead keys `spentKeys`. When the stored key belongs to an earlier
   * period, that period's record (keys without tokens) is kept as its own item. Returns the
   * record after the write, or undefined when another writer got there first.
   */
  installAiKey(
    license: LicenseRecord,
    expectedHash: string | null,
    next: AiKey,
    spentKeys: SpentKey[],
  ): Promise<LicenseRecord | undefined>;
  /** Records that the key is disabled upstream and what it had spent; if it is still the key. */
  markKeyDisabled(
    licenseHash: string,
    keyHash: string,
    at: string,
    usage: number,
  ): Promise<LicenseRecord | undefined>;
  /**
   * Records that the disabled key works again, if it is still the key and the license's facts
   * are still those of `license` (the ones access was decided on).
   */
  markKeyEnabled(license: LicenseRecord, keyHash: string): Promise<LicenseRecord | undefined>;
  /** Forgets a key OpenRouter no longer has, keeping what it spent; if it is still the key. */
  markKeyGone(licenseHash: string, spent: SpentKey): Promise<LicenseRecord | undefined>;
  /** Caches the key's remaining credit, if the key is still the current one. */
  recordKeyUsage(
    licenseHash: string,
    keyHash: string,
    limitRemaining: number,
    checkedAt: string,
  ): Promise<void>;
}

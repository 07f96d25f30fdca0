import { canonicalLicenseKey, type KeyCase, sha256Hex } from './license-key.ts';
import type { RefundedPayment, Subscription } from './subscription.ts';

/**
 * The enumerations of the domain, each written once as a tuple: the wire schemas, the upstream
 * adapters, config and the sandbox take `z.enum(TUPLE)` or the derived type from here.
 */
export const AI_MODES = ['saas', 'byok'] as const;
export type AiMode = (typeof AI_MODES)[number];

/** How long one credit period of a variant lasts; `lifetime` only makes sense for BYOK plans. */
export const PERIOD_DURATIONS = ['weekly', 'monthly', 'quarterly', 'yearly', 'lifetime'] as const;
export type PeriodDuration = (typeof PERIOD_DURATIONS)[number];

export type LicenseKind = 'trial' | 'lemonsqueezy';
/**
 * What a client may do with its license right now, spelled as the shipped RAVN Mail client's
 * status enum (it rejects any other value): `expired` and `suspended` are answered with 200 on
 * validate, so the client replaces its cached `active` instead of keeping it.
 */
export const ACCESS_STATUSES = ['active', 'trial', 'expired', 'suspended'] as const;
export type AccessStatus = (typeof ACCESS_STATUSES)[number];

/** LemonSqueezy's license-key statuses; trials are stored as `active`. */
export const LICENSE_STATUSES = ['inactive', 'active', 'expired', 'disabled'] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

/** A device activated on a license. */
export interface Activation {
  instanceId: string;
  instanceName: string;
  activatedAt: string;
}

/**
 * A device slot while its LemonSqueezy activation is under way. Only the holder of `claimId`
 * may complete or release it; a claim older than the lease may be taken over (crashed holder).
 */
export interface PendingActivation {
  claimId: string;
  claimedAt: string;
}

/**
 * A device slot of a license. Slots are stored under `deviceSlotKey(instanceName)`, a hash, never
 * under the name itself: a device called `__proto__` or `constructor` is data like any other and
 * never reaches an object's prototype (I7). A device whose LemonSqueezy instance is gone is kept
 * as `deactivated` for `FORGET_DEACTIVATED_MS`, so a client naming it learns why (I3).
 */
export type DeviceSlot =
  | ({ state: 'active'; deactivation?: PendingActivation } & Activation & DeviceSeen)
  | ({ state: 'pending'; instanceName: string } & PendingActivation)
  | ({ state: 'deactivated'; deactivatedAt: string } & Activation & DeviceSeen);

/**
 * When an activated device last called in (a heartbeat); absent until one is recorded. An active
 * slot's `deactivation` is the claim of the one request freeing its seat at LemonSqueezy
 * (`deactivateDevice`): the device stays active until LemonSqueezy has confirmed.
 */
export interface DeviceSeen {
  lastSeenAt?: string;
}

/**
 * What a validate learned in passing and records in a write it makes anyway (docs/design.md, "Usage
 * freshness"): that `device` called in at `at` (its heartbeat), or, for a validate naming no
 * device, that the license did (`license`: some device of it is in use, we cannot tell which),
 * and, when read, the key's remaining credit. All ride on one UpdateItem, so none costs a write
 * of its own.
 */
export interface Sighting {
  device?: Activation;
  license?: true;
  at: string;
  usage?: { keyHash: string; limitRemaining: number };
}

/** How long a deactivated device is remembered before its slot is dropped (bounded item size). */
export const FORGET_DEACTIVATED_MS = 30 * 86_400_000;

/** The OpenRouter key of one license for one credit period, shared by all its devices. */
export interface AiKey {
  hash: string;
  token: string;
  limit: number;
  limitRemaining: number;
  limitCheckedAt: string;
  periodEnd: string;
  issuedAt: string;
  /**
   * Set while access is taken away. The key is disabled at OpenRouter, not forgotten: if access
   * comes back in the same period the same key is enabled again instead of a new one being
   * created, so taking access away and giving it back never mints credit (I1).
   */
  disabledAt?: string;
  /** What the key had spent when it was disabled (USD; it cannot spend while disabled). */
  usageAtDisable?: number;
  /**
   * Written before OpenRouter is told to enable or disable the key, removed by the write that
   * records the result. While it is open the record says nothing reliable about OpenRouter (the
   * change may or may not have happened), so readers re-assert the state the license's verdict
   * wants instead of trusting `disabledAt` (docs/design.md, "Two-system steps"). Absent on older
   * items.
   */
  intent?: KeyIntent;
}

/** A change of the key's state at OpenRouter under way: which state, since when, by whom. */
export interface KeyIntent {
  to: 'enabled' | 'disabled';
  since: string;
  /** The writer's own id: its record write is conditional on the intent still being its own. */
  id: string;
}

/**
 * A key of the current credit period that OpenRouter no longer has (deleted outside): what it
 * had spent, so a replacement carries only what is left of the period's credit (I1).
 */
export interface SpentKey {
  hash: string;
  limit: number;
  usage: number;
  periodEnd: string;
  issuedAt: string;
  goneAt: string;
}

/** The plan facts a license carries, copied from config when it is first stored. */
export interface LicensePlan {
  aiMode: AiMode;
  creditsUsd: number;
  /**
   * The credit of a subscription's free trial period (`on_trial`, unpaid); absent on records
   * stored before it was configured (then a trial period gets none until the plan is re-read).
   */
  trialCreditsUsd?: number;
  duration: PeriodDuration;
  productName: string;
  variantName: string;
}

/**
 * One license as the service stores it. It is addressed by a hash of its key: the key itself is
 * never stored, so a table export leaks no usable license.
 */
export interface LicenseRecord {
  licenseHash: string;
  kind: LicenseKind;
  plan: LicensePlan;
  status: LicenseStatus;
  /** When the license itself ends (LemonSqueezy `expires_at`, or the trial's end); null = never. */
  expiresAt: string | null;
  customerName: string | null;
  customerEmail: string | null;
  /** LemonSqueezy facts; absent on trials. */
  provider?: {
    licenseId: number;
    storeId: number;
    orderId: number;
    orderItemId: number;
    productId: number;
    variantId: number;
    activationLimit: number | null;
    activationUsage: number;
    testMode: boolean;
    /** How LemonSqueezy spells the key's letters: what it is sent in (absent on older items). */
    keyCase?: KeyCase;
  };
  subscription?: Subscription;
  /** When the status was last confirmed by LemonSqueezy (trials: creation). */
  statusCheckedAt: string;
  /**
   * The LemonSqueezy time the stored license facts (and subscription) describe: a refresh's
   * own time, or a webhook's `updated_at`. An event older than this changes nothing.
   */
  factsAsOf?: string;
  subscriptionAsOf?: string;
  /** Set when the order was fully refunded: AI access ends whatever LemonSqueezy says. */
  refundedAt?: string;
  /**
   * When the reconciler last read the license's order from LemonSqueezy and found nothing to
   * apply (`recover-order-refund.ts`); absent until the first read.
   */
  orderCheckedAt?: string;
  /** The latest subscription payment event. */
  lastPayment?: { invoiceId: string; status: string; at: string };
  /** Subscription payments refunded in full, each withdrawing its period's credit (I1). */
  refundedPayments?: RefundedPayment[];
  /** Start of the first credit period; later periods follow from it. */
  periodAnchor: string;
  devices: Record<string, DeviceSlot>;
  lastActivation?: Activation;
  /**
   * When a validate that named no device last called in (the license's heartbeat, at most daily):
   * the shipped client validates with the key alone, so this is evidence that some device of the
   * license is in use, never that a particular one is. Absent until one is recorded.
   */
  licenseSeenAt?: string;
  ai?: AiKey;
  /** Dead keys of the credit period `ai` belongs to; reset when a new period's key is installed. */
  spentKeys?: SpentKey[];
  /**
   * An operator turned the license's AI off (`pnpm admin key revoke`): no key is enabled again or
   * issued, whatever the license's status, until an operator turns it on (`key enable`). Who and
   * when, for the answer and the audit trail.
   */
  aiHold?: { at: string; actor: string };
  /**
   * LemonSqueezy refused a license we hold as usable (a 404, or `disabled`/`expired` with no
   * webhook saying so) and that refusal is not confirmed yet: when it was first seen and what it
   * said. The stored facts stand until a read at least `REFUSAL_CONFIRM_AFTER_MS` later says the
   * same (or the REST API agrees); any write of LemonSqueezy's facts removes it (I11 in
   * docs/design.md, "Invariants").
   */
  unconfirmedRefusal?: UnconfirmedRefusal;
  /**
   * When each device the license never had before took its seat (by slot key), for the
   * device-change limit; entries older than its 30-day window are dropped by the next new device.
   * `newDevicesVersion` makes that read-modify-write conditional.
   */
  newDevices?: Record<string, string>;
  newDevicesVersion?: number;
  createdAt: string;
  updatedAt: string;
}

/** What an unconfirmed refusal said: the key unknown (404), or a status that ends access. */
export type RefusalAnswer = 'not-found' | 'disabled' | 'expired';

export interface UnconfirmedRefusal {
  since: string;
  answer: RefusalAnswer;
}

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
 * A license key as LemonSqueezy describes it, read at the edge from a License API answer or a
 * license-key webhook (which names no variant); `expiresAt` is already ISO-8601 UTC.
 */
export interface ProviderLicense {
  licenseId: number;
  status: LicenseStatus;
  activationLimit: number | null;
  activationUsage: number;
  expiresAt: string | null;
  testMode: boolean;
  storeId: number;
  orderId: number;
  orderItemId: number;
  productId: number;
  variantId: number;
  customerName: string | null;
  customerEmail: string | null;
  /** How LemonSqueezy spells the key (the key itself stays out of domain records). */
  keyCase?: KeyCase;
}

/**
 * The id a license is stored under: a SHA-256 of its key's canonical spelling (stripped, lower
 * case: domain/license-key.ts), so the table holds no usable key and every spelling of one key
 * names one license, one credit and one rate-limit bucket.
 */
export function licenseHashOf(licenseKey: string): string {
  return sha256Hex(canonicalLicenseKey(licenseKey));
}

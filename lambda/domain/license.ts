import type { PeriodDuration } from '#config/products-schema.ts';

export type AiMode = 'saas' | 'byok';
export type LicenseKind = 'trial' | 'lemonsqueezy';
/**
 * What a client may do with its license right now, spelled as the shipped RAVN Mail client's
 * status enum (it rejects any other value): `expired` and `suspended` are answered with 200 on
 * validate, so the client replaces its cached `active` instead of keeping it.
 */
export const ACCESS_STATUSES = ['active', 'trial', 'expired', 'suspended'] as const;
export type AccessStatus = (typeof ACCESS_STATUSES)[number];

/** LemonSqueezy's license-key statuses; trials are stored as `active`. */
export type LicenseStatus = 'inactive' | 'active' | 'expired' | 'disabled';
export type SubscriptionStatus =
  | 'on_trial'
  | 'active'
  | 'paused'
  | 'past_due'
  | 'unpaid'
  | 'cancelled'
  | 'expired';

export interface Subscription {
  id: number;
  status: SubscriptionStatus;
  renewsAt: string | null;
  endsAt: string | null;
}

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

export type DeviceSlot =
  | ({ state: 'active' } & Activation)
  | ({ state: 'pending' } & PendingActivation);

/** The OpenRouter key of one license for one credit period, shared by all its devices. */
export interface AiKey {
  hash: string;
  token: string;
  limit: number;
  limitRemaining: number;
  limitCheckedAt: string;
  periodEnd: string;
  issuedAt: string;
}

/** The plan facts a license carries, copied from config when it is first stored. */
export interface LicensePlan {
  aiMode: AiMode;
  creditsUsd: number;
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
  /** The latest subscription payment event. */
  lastPayment?: { invoiceId: string; status: string; at: string };
  /** Start of the first credit period; later periods follow from it. */
  periodAnchor: string;
  devices: Record<string, DeviceSlot>;
  lastActivation?: Activation;
  ai?: AiKey;
  createdAt: string;
  updatedAt: string;
}

/** The active devices of a license, newest first. */
export function activeDevices(license: LicenseRecord): Activation[] {
  const devices: Activation[] = [];
  for (const slot of Object.values(license.devices)) {
    if (slot.state === 'active') {
      devices.push({
        instanceId: slot.instanceId,
        instanceName: slot.instanceName,
        activatedAt: slot.activatedAt,
      });
    }
  }
  return devices.sort((a, b) => b.activatedAt.localeCompare(a.activatedAt));
}

/** Shapes of the LemonSqueezy double's seed data and in-memory records, and its time format. */
import type { LicenseStatus } from '#domain/license.ts';
import type { SubscriptionStatus } from '#domain/subscription.ts';

export type { LicenseStatus, SubscriptionStatus };

export interface LicenseSeed {
  /** Default: a random upper-case UUID-style hex key. */
  key?: string;
  /** Default 'inactive' ('expired' when the seeded subscription is expired). */
  status?: LicenseStatus;
  /** Default 3; null = unlimited. */
  activationLimit?: number | null;
  expiresAt?: string | null;
  testMode?: boolean;
  storeId: number;
  productId: number;
  variantId: number;
  productName?: string;
  variantName?: string;
  customerName?: string | null;
  customerEmail?: string;
  /** Default: a new order. Several keys sold by one order share it (each has its own item). */
  orderId?: number;
  subscription?: SubscriptionSeed;
  /**
   * Instances the key already has, as another run's double held them (the compatibility test
   * seeds the double to match a fixture's table); default none.
   */
  instances?: Array<{ id: string; name: string }>;
}

/**
 * A seeded subscription, or a change to one. `on_trial` is LemonSqueezy's unpaid free trial:
 * `trial_ends_at` is set to `renewsAt`, as real captures show, and kept after the trial converts.
 * `pause` is what a `paused` subscription says (default `void`, resuming whenever).
 */
export interface SubscriptionSeed {
  status: SubscriptionStatus;
  renewsAt: string;
  endsAt?: string | null;
  pause?: { mode: string | null; resumesAt: string | null } | null;
}

export interface SeededLicense {
  id: number;
  key: string;
  orderId: number;
  orderItemId: number;
  subscriptionId?: number;
}

export interface InstanceRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface LicenseRecord {
  id: number;
  key: string;
  status: LicenseStatus;
  activationLimit: number | null;
  expiresAt: Date | null;
  testMode: boolean;
  storeId: number;
  productId: number;
  variantId: number;
  productName: string;
  variantName: string;
  customerId: number;
  customerName: string | null;
  customerEmail: string;
  orderId: number;
  orderItemId: number;
  createdAt: Date;
  updatedAt: Date;
  instances: InstanceRecord[];
}

export interface SubscriptionRecord {
  id: number;
  license: LicenseRecord;
  status: SubscriptionStatus;
  renewsAt: Date;
  endsAt: Date | null;
  trialEndsAt: Date | null;
  pause: { mode: string | null; resumesAt: string | null } | null;
  cancelled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * An order's payment state, as the REST API's `status` spells it (docs/upstreams.md, "Orders and
 * refunds"): a partial refund leaves it `paid` (or `partial_refund`, which some captures show) with
 * `refunded` false.
 */
export type OrderStatus =
  | 'pending'
  | 'failed'
  | 'paid'
  | 'refunded'
  | 'partial_refund'
  | 'fraudulent';

/** The order that sold one or more license keys (each key is one of its items). */
export interface OrderRecord {
  id: number;
  storeId: number;
  customerId: number;
  identifier: string;
  orderNumber: number;
  userName: string | null;
  userEmail: string;
  /** In cents, like LemonSqueezy's `total`. */
  total: number;
  refundedAmount: number;
  status: OrderStatus;
  refunded: boolean;
  refundedAt: Date | null;
  testMode: boolean;
  /** The license the order's first item sold, for `first_order_item`. */
  firstItem: LicenseRecord;
  createdAt: Date;
  updatedAt: Date;
}

/** LemonSqueezy's timestamp style: `2021-01-24T14:15:07.000000Z` (whole seconds, 6-digit fraction). */
export function lsTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '.000000Z');
}

export function lsTimeOrNull(date: Date | null): string | null {
  return date === null ? null : lsTime(date);
}

export function parseDate(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`${field} is not a date: ${value}`);
  return date;
}

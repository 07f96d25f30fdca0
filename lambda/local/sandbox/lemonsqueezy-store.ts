import { randomUUID } from 'node:crypto';
import {
  type InstanceRecord,
  type LicenseRecord,
  type LicenseSeed,
  type LicenseStatus,
  type OrderRecord,
  parseDate,
  type SeededLicense,
  type SubscriptionRecord,
  type SubscriptionSeed,
} from './lemonsqueezy-records.ts';

export type KeyMatching = 'exact' | 'loose';

/** A key as a loose matcher compares it: no spaces, format or control characters; upper case. */
function looseKey(key: string): string {
  return key.replace(/[\p{Cf}\p{Cc}\p{Z}\s]/gu, '').toUpperCase();
}

/** What a seeded order costs (cents) unless a test says otherwise. */
const ORDER_TOTAL = 900;

/**
 * In-memory LemonSqueezy data behind the double: license keys, their instances, the orders that
 * sold them, subscriptions.
 */
export class LemonSqueezyStore {
  readonly #now: () => Date;
  readonly #byKey = new Map<string, LicenseRecord>();
  readonly #subscriptions = new Map<number, SubscriptionRecord>();
  readonly #orders = new Map<number, OrderRecord>();
  readonly #customers = new Map<string, number>();
  // Each id kind counts in its own range so a test that mixes up, say, an order id and a
  // license-key id fails instead of passing by coincidence.
  readonly #lastId = {
    license: 0,
    customer: 3000,
    order: 5000,
    subscription: 7000,
    orderItem: 9000,
  };

  /** How the License API matches a sent key against the stored ones (`matchKey`). */
  keyMatching: KeyMatching = 'exact';

  constructor(now: () => Date) {
    this.#now = now;
  }

  add(seed: LicenseSeed): SeededLicense {
    const key = seed.key ?? randomUUID().toUpperCase();
    if (this.#byKey.has(key)) throw new Error(`license key ${key} is already seeded`);
    const now = this.#now();
    const email = seed.customerEmail ?? 'customer@example.com';
    let customerId = this.#customers.get(email);
    if (customerId === undefined) {
      customerId = ++this.#lastId.customer;
      this.#customers.set(email, customerId);
    }
    const license: LicenseRecord = {
      id: ++this.#lastId.license,
      key,
      // The key's life follows its subscription (docs/upstreams.md, "License key statuses").
      status: seed.status ?? (seed.subscription?.status === 'expired' ? 'expired' : 'inactive'),
      activationLimit: seed.activationLimit === undefined ? 3 : seed.activationLimit,
      expiresAt: seed.expiresAt ? parseDate(seed.expiresAt, 'expiresAt') : null,
      testMode: seed.testMode ?? false,
      storeId: seed.storeId,
      productId: seed.productId,
      variantId: seed.variantId,
      productName: seed.productName ?? 'Sandbox Product',
      variantName: seed.variantName ?? 'Default',
      customerId,
      customerName: seed.customerName === undefined ? 'Sandbox Customer' : seed.customerName,
      customerEmail: email,
      orderId: seed.orderId ?? ++this.#lastId.order,
      orderItemId: ++this.#lastId.orderItem,
      createdAt: now,
      updatedAt: now,
      instances: (seed.instances ?? []).map(({ id, name }) => ({ id, name, createdAt: now })),
    };
    this.#byKey.set(key, license);
    if (!this.#orders.has(license.orderId)) this.#orders.set(license.orderId, this.#order(license));
    const seeded: SeededLicense = {
      id: license.id,
      key,
      orderId: license.orderId,
      orderItemId: license.orderItemId,
    };
    if (seed.subscription) {
      const sub = seed.subscription;
      const record: SubscriptionRecord = {
        id: ++this.#lastId.subscription,
        license,
        status: sub.status,
        renewsAt: parseDate(sub.renewsAt, 'renewsAt'),
        endsAt: null,
        trialEndsAt: null,
        pause: null,
        cancelled: false,
        createdAt: now,
        updatedAt: now,
      };
      this.#subscriptions.set(record.id, record);
      this.#applySubscriptionPatch(record, sub);
      seeded.subscriptionId = record.id;
    }
    return seeded;
  }

  update(
    key: string,
    patch: Partial<Pick<LicenseSeed, 'status' | 'activationLimit' | 'expiresAt'>>,
  ): void {
    const license = this.#mustGet(key);
    if (patch.status !== undefined) license.status = patch.status;
    if (patch.activationLimit !== undefined) license.activationLimit = patch.activationLimit;
    if (patch.expiresAt !== undefined) {
      license.expiresAt = patch.expiresAt === null ? null : parseDate(patch.expiresAt, 'expiresAt');
    }
    license.updatedAt = this.#now();
  }

  updateSubscription(id: number, patch: Partial<SubscriptionSeed>): void {
    const record = this.#subscriptions.get(id);
    if (!record) throw new Error(`no subscription ${id} in the LemonSqueezy double`);
    this.#applySubscriptionPatch(record, patch);
    record.updatedAt = this.#now();
  }

  order(id: number): OrderRecord | undefined {
    return this.#orders.get(id);
  }

  orders(): OrderRecord[] {
    return [...this.#orders.values()];
  }

  /**
   * Refunds an order as the dashboard does: in full (`status` refunded, `refunded` true,
   * `refunded_at` now), or partly (`amount` cents less than what is left): the order stays `paid`
   * with `refunded` false and only `refunded_amount` grows. No webhook is sent: tests deliver
   * `order_refunded` themselves, or lose it.
   */
  refundOrder(id: number, amount?: number): void {
    const order = this.#orders.get(id);
    if (!order) throw new Error(`no order ${id} in the LemonSqueezy double`);
    const now = this.#now();
    const left = order.total - order.refundedAmount;
    if (amount === undefined || amount >= left) {
      Object.assign(order, { status: 'refunded', refunded: true, refundedAt: now });
      order.refundedAmount = order.total;
    } else {
      order.refundedAmount += amount;
    }
    order.updatedAt = now;
  }

  all(): LicenseRecord[] {
    return [...this.#byKey.values()];
  }

  keys(): string[] {
    return [...this.#byKey.keys()];
  }

  byKey(key: string): LicenseRecord | undefined {
    return this.#byKey.get(key);
  }

  /**
   * The license a License API call's `license_key` names, by the key matching in force: `exact`
   * (byte for byte), or `loose` (case-insensitive, ignoring spaces and invisible characters).
   * LemonSqueezy does not document its matching, so tests run the service against both.
   */
  matchKey(sent: string): LicenseRecord | undefined {
    if (this.keyMatching === 'exact') return this.#byKey.get(sent);
    const wanted = looseKey(sent);
    return [...this.#byKey.values()].find((license) => looseKey(license.key) === wanted);
  }

  byId(id: number): LicenseRecord | undefined {
    return [...this.#byKey.values()].find((license) => license.id === id);
  }

  subscription(id: number): SubscriptionRecord | undefined {
    return this.#subscriptions.get(id);
  }

  subscriptions(): SubscriptionRecord[] {
    return [...this.#subscriptions.values()];
  }

  instances(key: string): Array<{ id: string; name: string }> {
    return this.#mustGet(key).instances.map(({ id, name }) => ({ id, name }));
  }

  /** The status the upstream reports: a past `expires_at` reads as expired, disabled wins. */
  statusOf(license: LicenseRecord): LicenseStatus {
    if (license.status === 'disabled' || license.status === 'expired') return license.status;
    const expired = license.expiresAt !== null && license.expiresAt <= this.#now();
    return expired ? 'expired' : license.status;
  }

  /** Adds a seat; callers check status and the activation limit first. */
  activate(license: LicenseRecord, name: string): InstanceRecord {
    const now = this.#now();
    const instance = { id: randomUUID(), name, createdAt: now };
    license.instances.push(instance);
    if (license.status === 'inactive') license.status = 'active';
    license.updatedAt = now;
    return instance;
  }

  deactivate(license: LicenseRecord, instanceId: string): void {
    license.instances = license.instances.filter((instance) => instance.id !== instanceId);
    if (license.instances.length === 0 && license.status === 'active') license.status = 'inactive';
    license.updatedAt = this.#now();
  }

  #applySubscriptionPatch(record: SubscriptionRecord, patch: Partial<SubscriptionSeed>): void {
    if (patch.pause !== undefined) record.pause = patch.pause;
    if (patch.renewsAt !== undefined) record.renewsAt = parseDate(patch.renewsAt, 'renewsAt');
    if (patch.endsAt !== undefined) {
      record.endsAt = patch.endsAt === null ? null : parseDate(patch.endsAt, 'endsAt');
    }
    if (patch.status === undefined) return;
    record.status = patch.status;
    if (patch.status === 'on_trial') record.trialEndsAt = record.renewsAt;
    if (patch.status === 'cancelled') record.cancelled = true;
    if (patch.status === 'active') record.cancelled = false;
    // Only a paused subscription carries a pause; LemonSqueezy's default mode is `void`.
    if (patch.status !== 'paused') record.pause = null;
    else record.pause ??= { mode: 'void', resumesAt: null };
    // A cancelled subscription runs to the end of its paid period unless told otherwise.
    if ((patch.status === 'cancelled' || patch.status === 'expired') && record.endsAt === null) {
      record.endsAt = record.renewsAt;
    }
    // An expiring subscription expires its license key (docs/upstreams.md, "License key statuses").
    if (patch.status === 'expired' && record.license.status !== 'disabled') {
      record.license.status = 'expired';
      record.license.updatedAt = this.#now();
    }
  }

  #order(license: LicenseRecord): OrderRecord {
    return {
      id: license.orderId,
      storeId: license.storeId,
      customerId: license.customerId,
      identifier: randomUUID(),
      orderNumber: license.orderId - 5000,
      userName: license.customerName,
      userEmail: license.customerEmail,
      total: ORDER_TOTAL,
      refundedAmount: 0,
      status: 'paid',
      refunded: false,
      refundedAt: null,
      testMode: license.testMode,
      firstItem: license,
      createdAt: license.createdAt,
      updatedAt: license.createdAt,
    };
  }

  #mustGet(key: string): LicenseRecord {
    const license = this.#byKey.get(key);
    if (!license) throw new Error(`no license key ${key} in the LemonSqueezy double`);
    return license;
  }
}

import { STATUS_CODES } from 'node:http';
import type { JsonReply } from './http-io.ts';
import {
  type LicenseRecord,
  lsTime,
  lsTimeOrNull,
  type SubscriptionRecord,
} from './lemonsqueezy-records.ts';
import type { LemonSqueezyStore } from './lemonsqueezy-store.ts';

export const JSON_API = 'application/vnd.api+json';
export const jsonapi = { version: '1.0' };

// Laravel's wording where it differs from the HTTP reason phrase.
const TITLES: Record<number, string> = { 401: 'Unauthenticated' };

/** A JSON:API error document, the REST API's error shape. */
export function jsonApiError(status: number, detail?: string): JsonReply {
  const title = TITLES[status] ?? STATUS_CODES[status] ?? 'Error';
  const error = { detail: detail ?? title, status: String(status), title };
  return { status, contentType: JSON_API, body: { jsonapi, errors: [error] } };
}

export function formatted(status: string): string {
  return status
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

export function relationships(self: string, names: string[]) {
  const entries = names.map((name) => [
    name,
    { links: { related: `${self}/${name}`, self: `${self}/relationships/${name}` } },
  ]);
  return Object.fromEntries(entries);
}

/** A single-resource document of the REST API, or its 404 naming what could not be found. */
export function resourceDocument<Item>(
  record: Item | undefined,
  what: string,
  resource: (record: Item) => { links: unknown },
): JsonReply {
  if (!record) return jsonApiError(404, `The requested ${what} could not be found.`);
  const data = resource(record);
  return { status: 200, contentType: JSON_API, body: { jsonapi, links: data.links, data } };
}

/** The ids a subscription and a license key both carry of the order that sold them. */
function orderIds(license: LicenseRecord) {
  return {
    store_id: license.storeId,
    customer_id: license.customerId,
    order_id: license.orderId,
    order_item_id: license.orderItemId,
    product_id: license.productId,
  };
}

// Filters the subscriptions list accepts, each read off the record it filters.
const SUBSCRIPTION_FILTERS: Record<string, (sub: SubscriptionRecord) => string | number> = {
  store_id: (sub) => sub.license.storeId,
  order_id: (sub) => sub.license.orderId,
  order_item_id: (sub) => sub.license.orderItemId,
  product_id: (sub) => sub.license.productId,
  variant_id: (sub) => sub.license.variantId,
  status: (sub) => sub.status,
  user_email: (sub) => sub.license.customerEmail,
};

/** The authenticated JSON:API routes the double serves: subscriptions and license keys. */
export class RestApi {
  readonly #store: LemonSqueezyStore;
  readonly #base: () => string;

  /** `base` gives the double's own URL, so `links` point back at the double. */
  constructor(store: LemonSqueezyStore, base: () => string) {
    this.#store = store;
    this.#base = base;
  }

  getSubscription(id: string): JsonReply {
    return resourceDocument(this.#store.subscription(Number(id)), 'subscription', (record) =>
      this.#subscription(record),
    );
  }

  listSubscriptions(query: URLSearchParams): JsonReply {
    let records = this.#store.subscriptions();
    for (const [name, read] of Object.entries(SUBSCRIPTION_FILTERS)) {
      const wanted = query.get(`filter[${name}]`);
      if (wanted !== null) records = records.filter((record) => String(read(record)) === wanted);
    }
    const perPage = Math.min(100, Math.max(1, Number(query.get('page[size]') ?? 10) || 10));
    const lastPage = Math.max(1, Math.ceil(records.length / perPage));
    const currentPage = Math.max(1, Number(query.get('page[number]') ?? 1) || 1);
    const page = records.slice((currentPage - 1) * perPage, currentPage * perPage);
    const from = page.length ? (currentPage - 1) * perPage + 1 : null;
    const to = from === null ? null : from + page.length - 1;
    const list = `${this.#base()}/v1/subscriptions?page[size]=${perPage}`;
    return {
      status: 200,
      contentType: JSON_API,
      body: {
        meta: { page: { currentPage, from, lastPage, perPage, to, total: records.length } },
        jsonapi,
        links: { first: `${list}&page[number]=1`, last: `${list}&page[number]=${lastPage}` },
        data: page.map((record) => this.#subscription(record)),
      },
    };
  }

  getLicenseKey(id: string): JsonReply {
    return resourceDocument(this.#store.byId(Number(id)), 'license key', (license) =>
      this.#licenseKey(license),
    );
  }

  /** `GET /v1/license-key-instances?filter[license_key_id]=`: a key's instances (§1.6). */
  listInstances(query: URLSearchParams): JsonReply {
    const wanted = query.get('filter[license_key_id]');
    const licenses = wanted === null ? this.#store.all() : [this.#store.byId(Number(wanted))];
    const data = licenses.flatMap((license) =>
      (license?.instances ?? []).map((instance, index) => {
        const id = `${license?.id}${String(index + 1).padStart(3, '0')}`;
        return {
          type: 'license-key-instances',
          id,
          attributes: {
            license_key_id: license?.id,
            identifier: instance.id,
            name: instance.name,
            created_at: lsTime(instance.createdAt),
            updated_at: lsTime(instance.createdAt),
          },
          relationships: relationships(`${this.#base()}/v1/license-key-instances/${id}`, [
            'license-key',
          ]),
          links: { self: `${this.#base()}/v1/license-key-instances/${id}` },
        };
      }),
    );
    const page = {
      currentPage: 1,
      from: data.length ? 1 : null,
      lastPage: 1,
      perPage: 100,
      to: data.length || null,
      total: data.length,
    };
    return { status: 200, contentType: JSON_API, body: { meta: { page }, jsonapi, data } };
  }

  #subscription(record: SubscriptionRecord) {
    const { license } = record;
    const self = `${this.#base()}/v1/subscriptions/${record.id}`;
    const attributes = {
      ...orderIds(license),
      variant_id: license.variantId,
      product_name: license.productName,
      variant_name: license.variantName,
      user_name: license.customerName ?? '',
      user_email: license.customerEmail,
      status: record.status,
      status_formatted: formatted(record.status),
      cancelled: record.cancelled,
      pause: record.pause && { mode: record.pause.mode, resumes_at: record.pause.resumesAt },
      trial_ends_at: lsTimeOrNull(record.trialEndsAt),
      renews_at: lsTime(record.renewsAt),
      ends_at: lsTimeOrNull(record.endsAt),
      created_at: lsTime(record.createdAt),
      updated_at: lsTime(record.updatedAt),
      test_mode: license.testMode,
    };
    const related = ['store', 'customer', 'order', 'order-item', 'product', 'variant'];
    return {
      type: 'subscriptions',
      id: String(record.id),
      attributes,
      relationships: relationships(self, [...related, 'subscription-invoices']),
      links: { self },
    };
  }

  #licenseKey(license: LicenseRecord) {
    const self = `${this.#base()}/v1/license-keys/${license.id}`;
    const status = this.#store.statusOf(license);
    const attributes = {
      ...orderIds(license),
      user_name: license.customerName ?? '',
      user_email: license.customerEmail,
      key: license.key,
      key_short: `XXXX-${license.key.slice(-12)}`,
      activation_limit: license.activationLimit,
      instances_count: license.instances.length,
      // Examples and the SDK type show 0/1 rather than the documented boolean (upstreams.md §1.6).
      disabled: status === 'disabled' ? 1 : 0,
      status,
      status_formatted: formatted(status),
      expires_at: lsTimeOrNull(license.expiresAt),
      created_at: lsTime(license.createdAt),
      updated_at: lsTime(license.updatedAt),
      test_mode: license.testMode,
    };
    const related = [
      'store',
      'customer',
      'order',
      'order-item',
      'product',
      'license-key-instances',
    ];
    return {
      type: 'license-keys',
      id: String(license.id),
      attributes,
      relationships: relationships(self, related),
      links: { self },
    };
  }
}

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

/**
 * A JSON:API resource object as the REST API shapes each one: its `self` link under the API's
 * `/v1/<type>/<id>`, and a `related` and a `self` link for each relationship it names.
 */
export function resourceObject(
  base: string,
  type: string,
  id: number | string,
  attributes: Record<string, unknown>,
  related: string[],
) {
  const self = `${base}/v1/${type}/${id}`;
  return {
    type,
    id: String(id),
    attributes,
    relationships: relationships(self, related),
    links: { self },
  };
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

/** Where a list page stands: the JSON:API `meta.page` of the REST API's lists. */
export interface PageMeta {
  currentPage: number;
  from: number | null;
  lastPage: number;
  perPage: number;
  to: number | null;
  total: number;
}

/** How one REST list reads its query and writes its page. */
export interface ListSpec<Item> {
  /** The `filter[name]` the list accepts, each read off a record and compared as text. */
  filters: Record<string, (record: Item) => string | number>;
  order?: (a: Item, b: Item) => number;
  /** The page's `links`, pointing back at the double. */
  links: (page: PageMeta) => Record<string, string>;
  resource: (record: Item) => unknown;
}

/**
 * One page of a REST list, as LemonSqueezy's lists answer: `records` kept by each filter the
 * query sends, put in order, then cut at `page[number]` by `page[size]` (10 unless given, at
 * most 100), with `meta.page` saying where the page stands.
 */
export function listDocument<Item>(
  records: Item[],
  query: URLSearchParams,
  spec: ListSpec<Item>,
): JsonReply {
  let kept = records;
  for (const [name, read] of Object.entries(spec.filters)) {
    const wanted = query.get(`filter[${name}]`);
    if (wanted !== null) kept = kept.filter((record) => String(read(record)) === wanted);
  }
  if (spec.order) kept = [...kept].sort(spec.order);
  const perPage = Math.min(100, Math.max(1, Number(query.get('page[size]') ?? 10) || 10));
  const lastPage = Math.max(1, Math.ceil(kept.length / perPage));
  const currentPage = Math.max(1, Number(query.get('page[number]') ?? 1) || 1);
  const items = kept.slice((currentPage - 1) * perPage, currentPage * perPage);
  const from = items.length ? (currentPage - 1) * perPage + 1 : null;
  const to = from === null ? null : from + items.length - 1;
  const page = { currentPage, from, lastPage, perPage, to, total: kept.length };
  const data = items.map(spec.resource);
  return {
    status: 200,
    contentType: JSON_API,
    body: { meta: { page }, jsonapi, links: spec.links(page), data },
  };
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
    return listDocument(this.#store.subscriptions(), query, {
      filters: SUBSCRIPTION_FILTERS,
      links: ({ perPage, lastPage }) => {
        const list = `${this.#base()}/v1/subscriptions?page[size]=${perPage}`;
        return { first: `${list}&page[number]=1`, last: `${list}&page[number]=${lastPage}` };
      },
      resource: (record) => this.#subscription(record),
    });
  }

  getLicenseKey(id: string): JsonReply {
    return resourceDocument(this.#store.byId(Number(id)), 'license key', (license) =>
      this.#licenseKey(license),
    );
  }

  /**
   * `GET /v1/license-key-instances?filter[license_key_id]=`: a key's instances
   * (docs/upstreams.md, "LemonSqueezy REST API").
   */
  listInstances(query: URLSearchParams): JsonReply {
    const wanted = query.get('filter[license_key_id]');
    const licenses = wanted === null ? this.#store.all() : [this.#store.byId(Number(wanted))];
    const data = licenses.flatMap((license) =>
      (license?.instances ?? []).map((instance, index) => {
        const id = `${license?.id}${String(index + 1).padStart(3, '0')}`;
        const attributes = {
          license_key_id: license?.id,
          identifier: instance.id,
          name: instance.name,
          created_at: lsTime(instance.createdAt),
          updated_at: lsTime(instance.createdAt),
        };
        return resourceObject(this.#base(), 'license-key-instances', id, attributes, [
          'license-key',
        ]);
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
    return resourceObject(this.#base(), 'subscriptions', record.id, attributes, [
      ...related,
      'subscription-invoices',
    ]);
  }

  #licenseKey(license: LicenseRecord) {
    const status = this.#store.statusOf(license);
    const attributes = {
      ...orderIds(license),
      user_name: license.customerName ?? '',
      user_email: license.customerEmail,
      key: license.key,
      key_short: `XXXX-${license.key.slice(-12)}`,
      activation_limit: license.activationLimit,
      instances_count: license.instances.length,
      // Examples and the SDK type show 0/1 rather than the documented boolean (docs/upstreams.md,
      // "`disabled` shown as 0/1").
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
    return resourceObject(this.#base(), 'license-keys', license.id, attributes, related);
  }
}

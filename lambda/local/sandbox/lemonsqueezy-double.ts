import { type IncomingMessage, STATUS_CODES } from 'node:http';
import {
  BodyParseError,
  bearerToken,
  clockOf,
  type DoubleOptions,
  type JsonReply,
  listening,
  readBody,
} from './http-io.ts';
import { LicenseApi, type Verdict } from './lemonsqueezy-license-api.ts';
import { OrderApi } from './lemonsqueezy-order-api.ts';
import { RateWindow } from './lemonsqueezy-rate-limit.ts';
import type { LicenseSeed, SeededLicense, SubscriptionSeed } from './lemonsqueezy-records.ts';
import { RefusalControls } from './lemonsqueezy-refusals.ts';
import { jsonApiError, RestApi } from './lemonsqueezy-rest-api.ts';
import { type KeyMatching, LemonSqueezyStore } from './lemonsqueezy-store.ts';
import { type RouteDef, SandboxServer } from './sandbox-server.ts';

export type {
  LicenseSeed,
  LicenseStatus,
  SeededLicense,
  SubscriptionSeed,
  SubscriptionStatus,
} from './lemonsqueezy-records.ts';
export type { BareRefusals, TransientNotFound } from './lemonsqueezy-refusals.ts';

/** Every route the double answers (License API and REST), for counting and delaying them all. */
export const LEMONSQUEEZY_ROUTES = [
  'validate',
  'activate',
  'deactivate',
  'subscriptions',
  'license-keys',
  'license-key-instances',
  'orders',
] as const;
export type LemonSqueezyRoute = (typeof LEMONSQUEEZY_ROUTES)[number];

export interface LemonSqueezyDoubleOptions extends DoubleOptions {
  /** The bearer token the authenticated REST routes accept. */
  apiKey: string;
  /** Off when undefined; the License API allows 60 a minute (docs/upstreams.md, "Rate limits"). */
  rateLimitPerMinute?: number;
}

const VERDICTS: Partial<Record<LemonSqueezyRoute, Verdict>> = {
  validate: 'valid',
  activate: 'activated',
  deactivate: 'deactivated',
};

/**
 * Laravel's throttle answer: `{message}` with `Retry-After` (seconds) and the `X-RateLimit-*`
 * headers a live capture showed (docs/upstreams.md, "Rate limits").
 */
function tooMany(retryAfterSeconds = 60, limit = 60): JsonReply {
  return {
    status: 429,
    body: { message: 'Too Many Attempts.' },
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
    },
  };
}

/** The public License API reads JSON and form bodies; Laravel treats unparsable JSON as no input. */
async function licenseBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  try {
    return await readBody(req);
  } catch (error) {
    if (error instanceof BodyParseError) return {};
    throw error;
  }
}

/**
 * HTTP double of LemonSqueezy: the public License API (docs/upstreams.md, "LemonSqueezy License
 * API") and the authenticated JSON:API routes for subscriptions and license keys ("LemonSqueezy
 * REST API" there), seeded in-process.
 */
export class LemonSqueezyDouble extends SandboxServer<LemonSqueezyRoute> {
  readonly #apiKey: string;
  readonly #rateWindow: RateWindow | undefined;
  readonly #store: LemonSqueezyStore;
  readonly #licenses: LicenseApi;
  readonly #rest: RestApi;
  readonly #orders: OrderApi;
  readonly #now: () => Date;
  /** License API calls by the license they named (its seeded key; else the key as sent). */
  readonly #licenseCalls = new Map<string, Date[]>();
  /**
   * Irregular License API refusals, armed by tests: `answerNotFound` (transient 404s for a key
   * LemonSqueezy holds) and `answerBare` (refusals without `license_key`/`meta`); `clear()`.
   */
  readonly refusals: RefusalControls;

  static start(options: LemonSqueezyDoubleOptions): Promise<LemonSqueezyDouble> {
    const double = new LemonSqueezyDouble(options);
    return listening(double, (port) => double.listen(port), options);
  }

  private constructor(options: LemonSqueezyDoubleOptions) {
    super();
    const now = clockOf(options);
    this.#now = now;
    this.#apiKey = options.apiKey;
    this.#rateWindow =
      options.rateLimitPerMinute === undefined
        ? undefined
        : new RateWindow(options.rateLimitPerMinute, now);
    this.#store = new LemonSqueezyStore(now);
    this.refusals = new RefusalControls(now);
    this.#licenses = new LicenseApi(this.#store, this.refusals);
    this.#rest = new RestApi(this.#store, () => this.url);
    this.#orders = new OrderApi(this.#store, () => this.url);
  }

  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:PORT`. */
  get url(): string {
    return this.origin;
  }

  /** Seeds a license key (and its subscription when `seed.subscription` is given). */
  addLicense(seed: LicenseSeed): SeededLicense {
    return this.#store.add(seed);
  }

  updateLicense(
    key: string,
    patch: Partial<Pick<LicenseSeed, 'status' | 'activationLimit' | 'expiresAt'>>,
  ): void {
    this.#store.update(key, patch);
  }

  /** Status 'expired' expires the linked key too (docs/upstreams.md, "License key statuses"). */
  updateSubscription(subscriptionId: number, patch: Partial<SubscriptionSeed>): void {
    this.#store.updateSubscription(subscriptionId, patch);
  }

  /**
   * How the License API matches `license_key` (undocumented upstream): `exact`, the default, or
   * `loose` (case-insensitive, ignoring spaces and invisible characters). Either way its answers
   * carry the key as seeded, as LemonSqueezy's carry its own spelling.
   */
  setKeyMatching(matching: KeyMatching): void {
    this.#store.keyMatching = matching;
  }

  /**
   * Refunds an order in full, or by `amount` cents (a partial refund leaves it `paid`). Sends no
   * webhook: a test delivers `order_refunded` itself, or loses it.
   */
  refundOrder(orderId: number, amount?: number): void {
    this.#store.refundOrder(orderId, amount);
  }

  instances(key: string): Array<{ id: string; name: string }> {
    return this.#store.instances(key);
  }

  /** The key as LemonSqueezy holds it now (ground truth for tests): status, seats, subscription. */
  snapshot(key: string) {
    const license = this.#store.byKey(key);
    if (!license) throw new Error('no such license key in the LemonSqueezy double');
    const subscription = this.#store
      .subscriptions()
      .find((candidate) => candidate.license === license);
    return {
      status: this.#store.statusOf(license),
      activationLimit: license.activationLimit,
      instances: license.instances.map(({ id, name }) => ({ id, name })),
      subscription: subscription && {
        id: subscription.id,
        status: subscription.status,
        renewsAt: subscription.renewsAt.toISOString(),
        endsAt: subscription.endsAt?.toISOString() ?? null,
        trialEndsAt: subscription.trialEndsAt?.toISOString() ?? null,
        pause: subscription.pause,
      },
    };
  }

  /**
   * When each License API call (validate, activate, deactivate) naming this license arrived, on
   * the double's clock, faulted and rate-limited ones included: in any spelling the key matching
   * accepted at the time (a key not seeded: as sent, trimmed).
   */
  licenseApiCalls(key: string): Date[] {
    return [...(this.#licenseCalls.get(this.#store.byKey(key)?.key ?? key) ?? [])];
  }

  protected override async observe(route: LemonSqueezyRoute, req: IncomingMessage): Promise<void> {
    if (!VERDICTS[route]) return;
    // Read here (and kept on the request for the handler), before a fault could drop it.
    const sent = (await licenseBody(req)).license_key;
    if (typeof sent !== 'string') return;
    const key = this.#store.matchKey(sent.trim())?.key ?? sent.trim();
    this.#licenseCalls.set(key, [...(this.#licenseCalls.get(key) ?? []), this.#now()]);
  }

  /** Every license key seeded so far (tests check none of them reaches a log). */
  licenseKeys(): string[] {
    return this.#store.keys();
  }

  protected override routes(): ReadonlyArray<RouteDef<LemonSqueezyRoute>> {
    const licenses = this.#licenses;
    const rest = this.#rest;
    const orders = this.#orders;
    return [
      {
        method: 'POST',
        path: /^\/v1\/licenses\/validate\/?$/,
        route: 'validate',
        handle: async ({ req }) => licenses.validate(await licenseBody(req)),
      },
      {
        method: 'POST',
        path: /^\/v1\/licenses\/activate\/?$/,
        route: 'activate',
        handle: async ({ req }) => licenses.activate(await licenseBody(req)),
      },
      {
        method: 'POST',
        path: /^\/v1\/licenses\/deactivate\/?$/,
        route: 'deactivate',
        handle: async ({ req }) => licenses.deactivate(await licenseBody(req)),
      },
      {
        method: 'GET',
        path: /^\/v1\/subscriptions\/?$/,
        route: 'subscriptions',
        handle: ({ req, url }) => this.#authorized(req) ?? rest.listSubscriptions(url.searchParams),
      },
      {
        method: 'GET',
        path: /^\/v1\/subscriptions\/([^/]+)$/,
        route: 'subscriptions',
        handle: ({ req, param }) => this.#authorized(req) ?? rest.getSubscription(param),
      },
      {
        method: 'GET',
        path: /^\/v1\/license-key-instances\/?$/,
        route: 'license-key-instances',
        handle: ({ req, url }) => this.#authorized(req) ?? rest.listInstances(url.searchParams),
      },
      {
        method: 'GET',
        path: /^\/v1\/orders\/?$/,
        route: 'orders',
        handle: ({ req, url }) => this.#authorized(req) ?? orders.listOrders(url.searchParams),
      },
      {
        method: 'GET',
        path: /^\/v1\/orders\/([^/]+)$/,
        route: 'orders',
        handle: ({ req, param }) => this.#authorized(req) ?? orders.getOrder(param),
      },
      {
        method: 'GET',
        path: /^\/v1\/license-keys\/([^/]+)$/,
        route: 'license-keys',
        handle: ({ req, param }) => this.#authorized(req) ?? rest.getLicenseKey(param),
      },
    ];
  }

  protected override errorReply(route: LemonSqueezyRoute | undefined, status: number): JsonReply {
    const verdict = route && VERDICTS[route];
    // The REST API allows 300 a minute, the License API 60 (docs/upstreams.md, "Rate limits").
    if (!verdict) return status === 429 ? tooMany(60, 300) : jsonApiError(status);
    // Verdict-shaped 400/404s, Laravel `{message}` bodies (docs/upstreams.md, "Statuses and errors")
    if (status === 429) return tooMany();
    if (status === 404)
      return { status, body: { [verdict]: false, error: 'license_key not found.' } };
    if (status === 400) return { status, body: { [verdict]: false, error: 'Bad Request' } };
    if (status === 422) {
      const message = 'The license key field is required.';
      return { status, body: { message, errors: { license_key: [message] } } };
    }
    const message = status >= 500 ? 'Server Error' : (STATUS_CODES[status] ?? 'Error');
    return { status, body: { message } };
  }

  protected override admit(): JsonReply | undefined {
    const window = this.#rateWindow;
    return window?.admit() === false ? tooMany(window.retryAfterSeconds()) : undefined;
  }

  #authorized(req: IncomingMessage): JsonReply | undefined {
    if (bearerToken(req) === this.#apiKey) return undefined;
    return jsonApiError(401, 'Unauthenticated.');
  }
}

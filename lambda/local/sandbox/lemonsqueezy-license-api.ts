import type { JsonReply } from './http-io.ts';
import {
  type InstanceRecord,
  type LicenseRecord,
  lsTime,
  lsTimeOrNull,
} from './lemonsqueezy-records.ts';
import type { LicenseAction, RefusalControls } from './lemonsqueezy-refusals.ts';
import type { LemonSqueezyStore } from './lemonsqueezy-store.ts';

/**
 * The verdict field each License API endpoint answers with (docs/upstreams.md, "Activate,
 * validate and deactivate").
 */
export type Verdict = 'valid' | 'activated' | 'deactivated';

type Body = Record<string, unknown>;

/** A field as Laravel sees it: trimmed, and '' counts as missing (TrimStrings + ConvertEmptyStringsToNull). */
function field(body: Body, name: string): string | undefined {
  const value = body[name];
  if (typeof value !== 'string') return undefined;
  return value.trim() === '' ? undefined : value.trim();
}

/** Laravel's 422 for missing or non-string fields, first message first, "(and N more errors)". */
function validate(body: Body, required: string[], optional: string[] = []): JsonReply | undefined {
  const errors: Record<string, string[]> = {};
  for (const name of [...required, ...optional]) {
    const value = body[name];
    const label = name.replaceAll('_', ' ');
    if (value !== undefined && value !== null && typeof value !== 'string') {
      errors[name] = [`The ${label} field must be a string.`];
    } else if (required.includes(name) && field(body, name) === undefined) {
      errors[name] = [`The ${label} field is required.`];
    }
  }
  const messages = Object.values(errors).flat();
  const [first] = messages;
  if (first === undefined) return undefined;
  const more = messages.length - 1;
  const message = more === 0 ? first : `${first} (and ${more} more error${more > 1 ? 's' : ''})`;
  return { status: 422, body: { message, errors } };
}

/** A refusal with nothing but its verdict and message (docs/upstreams.md, "Refusals sent bare"). */
function bareReply(status: number, verdict: Verdict, error: string): JsonReply {
  return { status, body: { [verdict]: false, error } };
}

function instanceJson(instance: InstanceRecord) {
  return { id: instance.id, name: instance.name, created_at: lsTime(instance.createdAt) };
}

const INSTANCE_NOT_FOUND = 'instance_id not found.';

/**
 * Builds and checks License API answers (docs/upstreams.md, "The answer's shape", "Statuses and
 * errors") against the store, with the irregular answers its refusal controls arm (transient 404s,
 * bare refusals).
 */
export class LicenseApi {
  readonly #store: LemonSqueezyStore;
  readonly #refusals: RefusalControls;

  constructor(store: LemonSqueezyStore, refusals: RefusalControls) {
    this.#store = store;
    this.#refusals = refusals;
  }

  validate(body: Body): JsonReply {
    const invalid = validate(body, ['license_key'], ['instance_id']);
    if (invalid) return invalid;
    const license = this.#known(body, 'validate');
    if (!license) return this.#unknownKey('valid');
    const instanceId = field(body, 'instance_id');
    const instance = license.instances.find((candidate) => candidate.id === instanceId);
    if (instanceId !== undefined && !instance) {
      const bare = this.#refusals.bareFor(license.key);
      if (bare) return bareReply(bare.instanceStatus ?? 404, 'valid', INSTANCE_NOT_FOUND);
      return this.#answer(404, 'valid', INSTANCE_NOT_FOUND, license, null);
    }
    const refused = this.#refusal(license);
    if (refused) return this.#answer(400, 'valid', refused, license, null);
    // Without instance_id only the key is checked: `instance: null`, no seat consumed.
    return this.#answer(200, 'valid', null, license, instance ? instanceJson(instance) : null);
  }

  activate(body: Body): JsonReply {
    const invalid = validate(body, ['license_key', 'instance_name']);
    if (invalid) return invalid;
    const license = this.#known(body, 'activate');
    if (!license) return this.#unknownKey('activated');
    const refused = this.#refusal(license);
    if (refused) return this.#answer(400, 'activated', refused, license);
    const { activationLimit } = license;
    if (activationLimit !== null && license.instances.length >= activationLimit) {
      const error = 'This license key has reached the activation limit.';
      const bare = this.#refusals.bareFor(license.key);
      if (bare) return bareReply(bare.limitStatus ?? 400, 'activated', error);
      return this.#answer(400, 'activated', error, license);
    }
    // Not idempotent, like the upstream: every call is a new seat, instance_name is only a label.
    const instance = this.#store.activate(license, field(body, 'instance_name') ?? '');
    return this.#answer(200, 'activated', null, license, instanceJson(instance));
  }

  deactivate(body: Body): JsonReply {
    const invalid = validate(body, ['license_key', 'instance_id']);
    if (invalid) return invalid;
    const license = this.#known(body, 'deactivate');
    if (!license) return this.#unknownKey('deactivated');
    const instanceId = field(body, 'instance_id');
    if (!license.instances.some((instance) => instance.id === instanceId)) {
      const bare = this.#refusals.bareFor(license.key);
      if (bare) return bareReply(bare.instanceStatus ?? 404, 'deactivated', INSTANCE_NOT_FOUND);
      return this.#answer(404, 'deactivated', INSTANCE_NOT_FOUND, license);
    }
    const refused = this.#refusal(license);
    if (refused) return this.#answer(400, 'deactivated', refused, license);
    this.#store.deactivate(license, instanceId ?? '');
    return this.#answer(200, 'deactivated', null, license);
  }

  /** The body's key as the store holds it, unless a transient 404 is armed for this call. */
  #known(body: Body, action: LicenseAction): LicenseRecord | undefined {
    const license = this.#store.matchKey(field(body, 'license_key') ?? '');
    if (!license || this.#refusals.takeNotFound(action, license.key)) return undefined;
    return license;
  }

  #refusal(license: LicenseRecord): string | undefined {
    const status = this.#store.statusOf(license);
    if (status === 'disabled') return 'This license key is disabled.';
    if (status === 'expired') return 'This license key is expired.';
    return undefined;
  }

  // Unknown keys get no license_key/meta: they may be absent, the harsher case (docs/upstreams.md,
  // "Statuses and errors").
  #unknownKey(verdict: Verdict): JsonReply {
    return { status: 404, body: { [verdict]: false, error: 'license_key not found.' } };
  }

  /** `instance` undefined leaves the key out (activate refusals, deactivate), as upstream does. */
  #answer(
    status: number,
    verdict: Verdict,
    error: string | null,
    license: LicenseRecord,
    instance?: ReturnType<typeof instanceJson> | null,
  ): JsonReply {
    const body: Body = { [verdict]: error === null, error };
    body.license_key = {
      id: license.id,
      status: this.#store.statusOf(license),
      key: license.key,
      activation_limit: license.activationLimit,
      activation_usage: license.instances.length,
      created_at: lsTime(license.createdAt),
      expires_at: lsTimeOrNull(license.expiresAt),
      test_mode: license.testMode,
    };
    if (instance !== undefined) body.instance = instance;
    body.meta = {
      store_id: license.storeId,
      order_id: license.orderId,
      order_item_id: license.orderItemId,
      product_id: license.productId,
      product_name: license.productName,
      variant_id: license.variantId,
      variant_name: license.variantName,
      customer_id: license.customerId,
      customer_name: license.customerName,
      customer_email: license.customerEmail,
    };
    return { status, body };
  }
}

import type { z } from 'zod';
import { UpstreamHttp } from '#adapters/http/fetch-json.ts';
import type { LicenseStatus } from '#domain/license.ts';
import { keyCaseOf } from '#domain/license-key.ts';
import type { Subscription } from '#domain/subscription.ts';
import type {
  DeactivationAnswer,
  LicenseProvider,
  ProviderAnswer,
  ProviderInstance,
  ProviderOrder,
} from '#ports/license-provider.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';
import { refusalNamed } from './refusal-message.ts';
import type { LicenseAnswer } from './schemas.ts';

/**
 * The answers' schemas, imported with the first answer to parse: a function whose requests never
 * reach LemonSqueezy (most validates) evaluates neither them nor, for them, zod.
 */
const schemas = () => import('./schemas.ts');
type Schemas = Awaited<ReturnType<typeof schemas>>;

export interface LemonSqueezySettings {
  baseUrl: string;
  timeoutMs: number;
  /** The REST API key, fetched lazily: only subscription look-ups need it. */
  apiKey: () => Promise<string>;
  metrics: ServiceMetrics;
}

/**
 * LemonSqueezy through its License API (public, form-encoded, as documented) and the few REST
 * calls we need. Our own client rather than `@lemonsqueezy/lemonsqueezy.js`: that SDK's base URL
 * is a constant and its config a module global, so it cannot reach the sandbox or a test double.
 */
export class LemonSqueezyClient implements LicenseProvider {
  private readonly http: UpstreamHttp;

  constructor(private readonly settings: LemonSqueezySettings) {
    this.http = new UpstreamHttp('lemonsqueezy', settings.metrics);
  }

  validate(licenseKey: string, instanceId?: string): Promise<ProviderAnswer> {
    const fields: Record<string, string> = { license_key: licenseKey };
    if (instanceId !== undefined) fields.instance_id = instanceId;
    return this.licenseCall('validate', fields, 'valid');
  }

  activate(licenseKey: string, instanceName: string): Promise<ProviderAnswer> {
    return this.licenseCall(
      'activate',
      { license_key: licenseKey, instance_name: instanceName },
      'activated',
    );
  }

  async deactivate(licenseKey: string, instanceId: string): Promise<DeactivationAnswer> {
    const response = await this.post('deactivate', {
      license_key: licenseKey,
      instance_id: instanceId,
    });
    // 404 means the instance (or key) is gone already: the seat is free, which is what we wanted.
    if (response.status === 200 || response.status === 404) return { freed: true };
    // So does a 400 naming the instance, bare or not.
    if (response.status === 400 && refusalNamed(response.body) === 'instance-gone') {
      return { freed: true };
    }
    // A disabled or expired key keeps its seats: the 400 still describes the key.
    const described = (await schemas()).licenseAnswerSchema.safeParse(response.body);
    if (response.status === 400 && described.success) {
      return { freed: false, license: toAnswer(described.data, false).license };
    }
    throw this.http.unexpected('license-deactivate', 'a deactivation', response.status);
  }

  async findSubscription(orderId: number, orderItemId: number): Promise<Subscription | null> {
    const query = new URLSearchParams({
      'filter[order_id]': String(orderId),
      'filter[order_item_id]': String(orderItemId),
    });
    const body = await this.restGet(
      'find-subscription',
      `/v1/subscriptions?${query}`,
      (s) => s.subscriptionListSchema,
    );
    return body?.data[0] ?? null;
  }

  async getSubscription(subscriptionId: number): Promise<Subscription | null> {
    const body = await this.restGet(
      'get-subscription',
      `/v1/subscriptions/${subscriptionId}`,
      (s) => s.subscriptionDocumentSchema,
    );
    return body?.data ?? null;
  }

  async licenseKeyOf(licenseId: number): Promise<string | null> {
    const body = await this.licenseKeyDocument(licenseId);
    return body?.data.attributes.key ?? null;
  }

  async licenseKeyStatus(licenseId: number): Promise<LicenseStatus | null> {
    const body = await this.licenseKeyDocument(licenseId);
    if (!body) return null;
    const { status, disabled } = body.data.attributes;
    // `disabled` is documented as a boolean and shown as 0/1: truthy wins
    // (docs/upstreams.md, "`disabled` shown as 0/1").
    if (disabled) return 'disabled';
    if (status === undefined) throw this.http.unexpected('license-key', 'a REST look-up', 200);
    return status;
  }

  private licenseKeyDocument(licenseId: number) {
    return this.restGet(
      'license-key',
      `/v1/license-keys/${licenseId}`,
      (s) => s.licenseKeyDocumentSchema,
    );
  }

  async listInstances(licenseId: number): Promise<ProviderInstance[]> {
    const query = new URLSearchParams({
      'filter[license_key_id]': String(licenseId),
      'page[size]': '100',
    });
    const body = await this.restGet(
      'list-instances',
      `/v1/license-key-instances?${query}`,
      (s) => s.instanceListSchema,
    );
    return (body?.data ?? []).map((entry) => ({
      id: entry.attributes.identifier,
      name: entry.attributes.name,
    }));
  }

  async getOrder(orderId: number): Promise<ProviderOrder | null> {
    const body = await this.restGet(
      'get-order',
      `/v1/orders/${orderId}`,
      (s) => s.orderDocumentSchema,
    );
    if (!body) return null;
    const order = body.data.attributes;
    return {
      orderId: body.data.id,
      storeId: order.store_id,
      status: order.status,
      fullRefund: Boolean(order.refunded) || order.status === 'refunded',
      refundedAt: order.refunded_at ?? order.updated_at,
      testMode: order.test_mode === true,
    };
  }

  /**
   * A validate or activate, read by status and message (docs/upstreams.md, "Statuses and errors",
   * "Refusals sent bare"):
   * - naming an instance that is gone (404 or 400, `instance_id not found.`): `instanceMissing`
   *   with the key's facts, or a bare `instance-gone` refusal when the body has none;
   * - any other 404: the key is unknown;
   * - 200, or a 400/422 that describes the key (disabled, expired, over its limit): its facts;
   * - an activation refused bare for its limit (400 or 422): a bare `activation-limit` refusal;
   * - anything else is an answer we cannot use (UpstreamError).
   */
  private async licenseCall(
    action: 'validate' | 'activate',
    fields: Record<string, string>,
    verdictField: 'valid' | 'activated',
  ): Promise<ProviderAnswer> {
    const response = await this.post(action, fields);
    const { status } = response;
    const described = (await schemas()).licenseAnswerSchema.safeParse(response.body);
    const named = refusalNamed(response.body);
    const namesInstance = fields.instance_id !== undefined;
    if (namesInstance && (status === 404 || status === 400) && named === 'instance-gone') {
      return described.success
        ? { ...toAnswer(described.data, false), instanceMissing: true }
        : { found: 'bare', refusal: 'instance-gone' };
    }
    if (status === 404) {
      // Named by its key's facts though not by its message: the instance is still what is gone.
      if (described.success && namesInstance) {
        return { ...toAnswer(described.data, false), instanceMissing: true };
      }
      return { found: false };
    }
    if (status === 200 || status === 400 || status === 422) {
      if (described.success) {
        const verdict = (response.body as Record<string, unknown>)[verdictField] === true;
        return toAnswer(described.data, verdict && status === 200);
      }
      if (action === 'activate' && status !== 200 && named === 'activation-limit') {
        return { found: 'bare', refusal: 'activation-limit' };
      }
    }
    throw this.http.unexpected(`license-${action}`, `a license ${action}`, status);
  }

  private post(action: 'validate' | 'activate' | 'deactivate', fields: Record<string, string>) {
    return this.http.fetchJson(`license-${action}`, {
      method: 'POST',
      url: `${this.settings.baseUrl}/v1/licenses/${action}`,
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      timeoutMs: this.settings.timeoutMs,
    });
  }

  private async restGet<T>(
    call: string,
    path: string,
    schemaOf: (all: Schemas) => z.ZodType<T>,
  ): Promise<T | null> {
    const response = await this.http.fetchJson(call, {
      method: 'GET',
      url: `${this.settings.baseUrl}${path}`,
      headers: {
        accept: 'application/vnd.api+json',
        authorization: `Bearer ${await this.settings.apiKey()}`,
      },
      timeoutMs: this.settings.timeoutMs,
    });
    if (response.status === 404) return null;
    const parsed = schemaOf(await schemas()).safeParse(response.body);
    if (response.status !== 200 || !parsed.success) {
      throw this.http.unexpected(call, 'a REST look-up', response.status);
    }
    return parsed.data;
  }
}

function toAnswer(
  answer: LicenseAnswer,
  accepted: boolean,
): Extract<ProviderAnswer, { found: true }> {
  const key = answer.license_key;
  return {
    found: true,
    accepted,
    ...(key.key === undefined ? {} : { key: key.key }),
    instance: answer.instance ? { id: answer.instance.id, name: answer.instance.name } : null,
    license: {
      licenseId: key.id,
      status: key.status,
      activationLimit: key.activation_limit,
      activationUsage: key.activation_usage,
      expiresAt: key.expires_at,
      testMode: key.test_mode,
      storeId: answer.meta.store_id,
      orderId: answer.meta.order_id,
      orderItemId: answer.meta.order_item_id,
      productId: answer.meta.product_id,
      variantId: answer.meta.variant_id,
      customerName: answer.meta.customer_name,
      customerEmail: answer.meta.customer_email,
      ...(key.key === undefined ? {} : { keyCase: keyCaseOf(key.key) }),
    },
  };
}

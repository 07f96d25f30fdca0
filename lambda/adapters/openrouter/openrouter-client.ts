import { UpstreamHttp } from '#adapters/http/fetch-json.ts';
import type {
  KeyProvisioner,
  KeyUsage,
  ListedKey,
  ProvisionedKey,
} from '#ports/key-provisioner.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';
import type { OpenRouterKey } from './schemas.ts';

export interface OpenRouterSettings {
  /** e.g. https://openrouter.ai/api/v1 */
  baseUrl: string;
  timeoutMs: number;
  managementKey: () => Promise<string>;
  metrics: ServiceMetrics;
}

/**
 * The answers' schemas, imported with the first answer to parse: a function whose requests never
 * reach OpenRouter (most validates) evaluates neither them nor, for them, zod.
 */
const schemas = () => import('./schemas.ts');

/**
 * OpenRouter's management-key API over plain fetch: six small endpoints don't justify the beta
 * SDK, and snake_case bodies match the published spec one to one.
 */
export class OpenRouterClient implements KeyProvisioner {
  private readonly http: UpstreamHttp;

  constructor(private readonly settings: OpenRouterSettings) {
    this.http = new UpstreamHttp('openrouter', settings.metrics);
  }

  async create(input: {
    name: string;
    limitUsd: number;
    expiresAt: Date;
  }): Promise<ProvisionedKey> {
    const response = await this.call('create-key', 'POST', '/keys', {
      name: input.name,
      limit: input.limitUsd,
      // OpenRouter rejects non-UTC timestamps; toISOString is always UTC ("Z").
      expires_at: input.expiresAt.toISOString(),
    });
    const parsed = (await schemas()).createdSchema.safeParse(response.body);
    if (response.status !== 201 && response.status !== 200) {
      throw this.http.unexpected('create-key', 'a key creation', response.status);
    }
    if (!parsed.success)
      throw this.http.unexpected('create-key', 'a key creation', response.status, parsed.error);
    const limit = parsed.data.data.limit ?? input.limitUsd;
    return {
      hash: parsed.data.data.hash,
      token: parsed.data.key,
      limit,
      limitRemaining: parsed.data.data.limit_remaining ?? limit,
      expiresAt: input.expiresAt.toISOString(),
    };
  }

  async usage(hash: string): Promise<KeyUsage | null> {
    const response = await this.call('key-usage', 'GET', `/keys/${encodeURIComponent(hash)}`);
    if (response.status === 404) return null;
    const parsed = (await schemas()).keySchema.safeParse(response.body);
    if (response.status !== 200 || !parsed.success) {
      throw this.http.unexpected('key-usage', 'a key look-up', response.status);
    }
    return {
      limitRemaining: parsed.data.data.limit_remaining ?? 0,
      usage: usageOf(parsed.data.data),
      disabled: parsed.data.data.disabled,
    };
  }

  async list(offset: number): Promise<ListedKey[]> {
    const response = await this.call(
      'list-keys',
      'GET',
      `/keys?include_disabled=false&offset=${offset}`,
    );
    const parsed = (await schemas()).listSchema.safeParse(response.body);
    if (response.status !== 200 || !parsed.success) {
      throw this.http.unexpected('list-keys', 'a key listing', response.status);
    }
    return parsed.data.data.map((key) => ({
      hash: key.hash,
      name: key.name,
      disabled: key.disabled,
      createdAt: key.created_at,
    }));
  }

  async disable(hash: string): Promise<{ usage: number } | null> {
    const key = await this.patchDisabled(hash, true);
    return key === null ? null : { usage: usageOf(key) };
  }

  async enable(hash: string): Promise<boolean> {
    return (await this.patchDisabled(hash, false)) !== null;
  }

  /** PATCH `disabled`; the key as OpenRouter now has it, or null when it no longer exists. */
  private async patchDisabled(hash: string, disabled: boolean) {
    const call = disabled ? 'disable-key' : 'enable-key';
    const response = await this.call(call, 'PATCH', `/keys/${encodeURIComponent(hash)}`, {
      disabled,
    });
    if (response.status === 404) return null;
    const parsed = (await schemas()).keySchema.safeParse(response.body);
    if (response.status !== 200 || !parsed.success) {
      throw this.http.unexpected(call, 'a key update', response.status);
    }
    return parsed.data.data;
  }

  async remove(hash: string): Promise<void> {
    const response = await this.call('delete-key', 'DELETE', `/keys/${encodeURIComponent(hash)}`);
    if (response.status === 200 || response.status === 204 || response.status === 404) return;
    throw this.http.unexpected('delete-key', 'a key deletion', response.status);
  }

  private async call(
    point: string,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ) {
    return this.http.fetchJson(point, {
      method,
      url: `${this.settings.baseUrl}${path}`,
      headers: {
        authorization: `Bearer ${await this.settings.managementKey()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.settings.timeoutMs,
    });
  }
}

/** USD spent on a key: `usage` as documented, else what its limit no longer covers. */
function usageOf(key: OpenRouterKey): number {
  if (key.usage !== undefined) return key.usage;
  return key.limit === null ? 0 : Math.max(0, key.limit - (key.limit_remaining ?? 0));
}

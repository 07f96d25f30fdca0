import type { IncomingMessage } from 'node:http';
import { bearerToken, clockOf, type DoubleOptions, type JsonReply, listening } from './http-io.ts';
import {
  createKeyBody,
  DEFAULT_WORKSPACE_ID,
  type IssuedKey,
  issuedKey,
  type KeyRecord,
  keyJson,
  newKeyRecord,
  orError,
  orTime,
  parseBody,
  updateKeyBody,
} from './openrouter-keys.ts';
import { type RouteDef, SandboxServer } from './sandbox-server.ts';

export type { IssuedKey } from './openrouter-keys.ts';

/** Every route the double answers, for counting and delaying them all. */
export const OPENROUTER_ROUTES = ['create', 'get', 'update', 'delete', 'list'] as const;
export type OpenRouterRoute = (typeof OPENROUTER_ROUTES)[number];

export interface OpenRouterDoubleOptions extends DoubleOptions {
  /** The management key every route requires as `Authorization: Bearer`. */
  managementKey: string;
}

const PAGE_SIZE = 100;

/**
 * HTTP double of OpenRouter's key management API (docs/upstreams.md, "OpenRouter key management"):
 * `/keys` and `/keys/{hash}` under `url` (which ends in `/api/v1`), guarded by a management key.
 */
export class OpenRouterDouble extends SandboxServer<OpenRouterRoute> {
  readonly #managementKey: string;
  readonly #now: () => Date;
  readonly #keys: KeyRecord[] = [];

  static start(options: OpenRouterDoubleOptions): Promise<OpenRouterDouble> {
    const double = new OpenRouterDouble(options);
    return listening(double, (port) => double.listen(port), options);
  }

  private constructor(options: OpenRouterDoubleOptions) {
    super();
    this.#managementKey = options.managementKey;
    this.#now = clockOf(options);
  }

  /** Base URL including `/api/v1`, e.g. `http://127.0.0.1:PORT/api/v1`. */
  get url(): string {
    return `${this.origin}/api/v1`;
  }

  /** Every key ever created, deleted ones included. */
  keys(): IssuedKey[] {
    return this.#keys.map(issuedKey);
  }

  /**
   * Puts back a key another run's double issued (`keys()`), as it was: the compatibility test
   * seeds the double to match a fixture's table. Its plaintext and hash are kept as given.
   */
  restoreKey(issued: IssuedKey): void {
    const defaults = newKeyRecord(this.#keys.length + 1, { name: issued.name }, this.#now());
    this.#keys.push({ ...defaults, ...issued });
  }

  /** Keys that still work: neither disabled nor deleted. */
  liveKeys(): IssuedKey[] {
    return this.keys().filter((key) => !key.disabled && !key.deleted);
  }

  /**
   * A customer spending `usd` through a key, as OpenRouter books it: nothing on a disabled,
   * deleted or expired key (it refuses the request), and no more than the key's limit leaves
   * (it stops at the limit). Returns the USD actually booked.
   */
  spend(hash: string, usd: number): number {
    const record = this.#keys.find((key) => key.hash === hash);
    if (!record) throw new Error(`no key ${hash} in the OpenRouter double`);
    const expired =
      record.expiresAt !== null && Date.parse(record.expiresAt) <= this.#now().getTime();
    if (record.disabled || record.deleted || expired) return 0;
    const left = record.limit === null ? usd : Math.max(0, record.limit - record.usage);
    const booked = Math.max(0, Math.min(usd, left));
    record.usage += booked;
    return booked;
  }

  protected override routes(): ReadonlyArray<RouteDef<OpenRouterRoute>> {
    const keys = /^\/api\/v1\/keys\/?$/;
    const oneKey = /^\/api\/v1\/keys\/([^/]+)$/;
    return [
      {
        method: 'GET',
        path: keys,
        route: 'list',
        handle: (c) => this.#guard(c.req, () => this.#list(c.url)),
      },
      {
        method: 'POST',
        path: keys,
        route: 'create',
        handle: (c) => this.#guard(c.req, () => this.#create(c.req)),
      },
      {
        method: 'GET',
        path: oneKey,
        route: 'get',
        handle: (c) => this.#guard(c.req, () => this.#get(c.param)),
      },
      {
        method: 'PATCH',
        path: oneKey,
        route: 'update',
        handle: (c) => this.#guard(c.req, () => this.#update(c.req, c.param)),
      },
      {
        method: 'DELETE',
        path: oneKey,
        route: 'delete',
        handle: (c) => this.#guard(c.req, () => this.#delete(c.param)),
      },
    ];
  }

  protected override errorReply(_route: OpenRouterRoute | undefined, status: number): JsonReply {
    return orError(status);
  }

  /** Runs `handle` for the management key; 401 without a valid bearer, 403 for an issued key. */
  async #guard(req: IncomingMessage, handle: () => JsonReply | Promise<JsonReply>) {
    const token = bearerToken(req);
    if (token === undefined) return orError(401);
    if (token === this.#managementKey) return handle();
    if (this.#keys.some((key) => key.key === token && !key.deleted)) return orError(403);
    return orError(401, 'User not found.');
  }

  #list(url: URL): JsonReply {
    const offsetParam = url.searchParams.get('offset') ?? '0';
    const offset = Number(offsetParam);
    if (!/^\d+$/.test(offsetParam) || !Number.isSafeInteger(offset)) {
      return orError(400, 'Invalid request parameters: offset');
    }
    const includeDisabled = url.searchParams.get('include_disabled') === 'true';
    const workspace = url.searchParams.get('workspace_id') ?? DEFAULT_WORKSPACE_ID;
    const data = this.#keys
      .filter((key) => !key.deleted && key.workspaceId === workspace)
      .filter((key) => includeDisabled || !key.disabled)
      .sort((a, b) => b.seq - a.seq)
      .slice(offset, offset + PAGE_SIZE)
      .map(keyJson);
    return { status: 200, body: { data } };
  }

  async #create(req: IncomingMessage): Promise<JsonReply> {
    const parsed = await parseBody(req, createKeyBody);
    if (!parsed.ok) return parsed.reply;
    const record = newKeyRecord(this.#keys.length + 1, parsed.value, this.#now());
    this.#keys.push(record);
    // The only time the plaintext key is ever returned.
    return { status: 201, body: { data: keyJson(record), key: record.key } };
  }

  #get(hash: string): JsonReply {
    const record = this.#find(hash);
    return record ? { status: 200, body: { data: keyJson(record) } } : orError(404);
  }

  async #update(req: IncomingMessage, hash: string): Promise<JsonReply> {
    const record = this.#find(hash);
    if (!record) return orError(404);
    const parsed = await parseBody(req, updateKeyBody);
    if (!parsed.ok) return parsed.reply;
    const patch = parsed.value;
    if (patch.name !== undefined) record.name = patch.name;
    if (patch.disabled !== undefined) record.disabled = patch.disabled;
    if (patch.limit !== undefined) record.limit = patch.limit;
    if (patch.limit_reset !== undefined) record.limitReset = patch.limit_reset;
    if (patch.include_byok_in_limit !== undefined) {
      record.includeByokInLimit = patch.include_byok_in_limit;
    }
    record.updatedAt = orTime(this.#now());
    return { status: 200, body: { data: keyJson(record) } };
  }

  #delete(hash: string): JsonReply {
    const record = this.#find(hash);
    if (!record) return orError(404);
    // Permanent, unlike PATCH {disabled: true}: the key stays in keys() for tests to inspect.
    record.deleted = true;
    return { status: 200, body: { deleted: true } };
  }

  #find(hash: string): KeyRecord | undefined {
    return this.#keys.find((key) => key.hash === hash && !key.deleted);
  }
}

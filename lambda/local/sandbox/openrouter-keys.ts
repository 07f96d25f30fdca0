import { randomBytes } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import * as z from 'zod';
import { BodyParseError, type JsonReply, readBody } from './http-io.ts';

export type LimitReset = 'daily' | 'weekly' | 'monthly';

export interface IssuedKey {
  hash: string;
  key: string;
  name: string;
  limit: number | null;
  usage: number;
  disabled: boolean;
  deleted: boolean;
  expiresAt: string | null;
  createdAt: string;
}

export interface KeyRecord {
  seq: number;
  hash: string;
  key: string;
  name: string;
  limit: number | null;
  limitReset: LimitReset | null;
  includeByokInLimit: boolean;
  usage: number;
  disabled: boolean;
  deleted: boolean;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string | null;
  creatorUserId: string | null;
  workspaceId: string;
}

/** The workspace keys land in when the request names none. */
export const DEFAULT_WORKSPACE_ID = '0df9e665-d932-5740-b2c7-b52af166bc11';

/** OpenRouter's timestamp style: `2025-08-24T10:30:00Z` (whole seconds). */
export function orTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// OpenRouter refuses expiry dates in any zone but UTC: Z or +00:00 only (docs/upstreams.md, "Dates
// in UTC only").
const UTC_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|\+00:00)$/;
const utcDateTime = z
  .string()
  .refine((value) => UTC_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'must be an ISO 8601 UTC timestamp (ending in Z or +00:00)',
  });
const limitReset = z.enum(['daily', 'weekly', 'monthly']).nullable().optional();

/** POST /keys body (docs/upstreams.md, "Endpoints" under "OpenRouter key management"). */
export const createKeyBody = z.object({
  name: z.string().min(1),
  limit: z.number().nullable().optional(),
  limit_reset: limitReset,
  include_byok_in_limit: z.boolean().optional(),
  expires_at: utcDateTime.nullable().optional(),
  workspace_id: z.guid().optional(),
  creator_user_id: z.string().min(1).nullable().optional(),
});

/** PATCH /keys/{hash} body: no `expires_at`, the spec offers no way to move an expiry. */
export const updateKeyBody = z.object({
  name: z.string().optional(),
  disabled: z.boolean().optional(),
  limit: z.number().nullable().optional(),
  limit_reset: limitReset,
  include_byok_in_limit: z.boolean().optional(),
  expires_at: z.never({ error: 'cannot be changed after creation' }).optional(),
});

/** A new key record with its one-time plaintext key and a separate random hash. */
export function newKeyRecord(
  seq: number,
  body: z.infer<typeof createKeyBody>,
  now: Date,
): KeyRecord {
  return {
    seq,
    hash: randomBytes(32).toString('hex'),
    key: `sk-or-v1-${randomBytes(32).toString('hex')}`,
    name: body.name,
    limit: body.limit ?? null,
    limitReset: body.limit_reset ?? null,
    includeByokInLimit: body.include_byok_in_limit ?? false,
    usage: 0,
    disabled: false,
    deleted: false,
    expiresAt: body.expires_at ? orTime(new Date(body.expires_at)) : null,
    createdAt: orTime(now),
    updatedAt: null,
    creatorUserId: body.creator_user_id ?? 'user_sandbox',
    workspaceId: body.workspace_id ?? DEFAULT_WORKSPACE_ID,
  };
}

/** OpenRouter's key object (docs/upstreams.md, "The key object"). */
export function keyJson(record: KeyRecord) {
  const { key, usage, limit } = record;
  return {
    hash: record.hash,
    name: record.name,
    label: `${key.slice(0, 'sk-or-v1-'.length + 3)}...${key.slice(-4)}`,
    disabled: record.disabled,
    limit,
    limit_remaining: limit === null ? null : Math.max(0, limit - usage),
    limit_reset: record.limitReset,
    include_byok_in_limit: record.includeByokInLimit,
    // The double does not model time buckets: all spend counts as today's, this week's, this month's.
    usage,
    usage_daily: usage,
    usage_weekly: usage,
    usage_monthly: usage,
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    expires_at: record.expiresAt,
    creator_user_id: record.creatorUserId,
    workspace_id: record.workspaceId,
  };
}

export function issuedKey(record: KeyRecord): IssuedKey {
  const { hash, key, name, limit, usage, disabled, deleted, expiresAt, createdAt } = record;
  return { hash, key, name, limit, usage, disabled, deleted, expiresAt, createdAt };
}

// The spec's example messages (docs/upstreams.md, "Errors"); other statuses get the reason phrase.
const MESSAGES: Record<number, string> = {
  400: 'Invalid request parameters',
  401: 'Missing Authentication header',
  403: 'Only management keys can perform this operation',
  404: 'Resource not found',
  429: 'Rate limit exceeded',
  500: 'Internal Server Error',
};

export function orError(status: number, message?: string): JsonReply {
  return {
    status,
    body: { error: { code: status, message: message ?? MESSAGES[status] ?? STATUS_CODES[status] } },
  };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: JsonReply };

/** Reads and checks a JSON body; any failure is OpenRouter's 400 envelope. */
export async function parseBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<Parsed<T>> {
  let raw: Record<string, unknown>;
  try {
    raw = await readBody(req, { otherContentType: 'json' });
  } catch (error) {
    if (!(error instanceof BodyParseError)) throw error;
    return { ok: false, reply: orError(400, `Invalid request parameters: ${error.message}`) };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const detail = result.error.issues
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reply: orError(400, `Invalid request parameters: ${detail}`) };
}

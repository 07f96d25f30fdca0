import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { RouteMethod } from '#config/routes.ts';
import { DomainError, InvalidRequestError } from '#domain/errors.ts';

/**
 * JSON in and out: reading a request (headers, raw body, method, media type, size, schema) and
 * writing a JSON response.
 */

/** Request bodies above this are refused before parsing (clients send a few hundred bytes). */
export const MAX_BODY_BYTES = 16 * 1024;

/** Header lookup that ignores case (API Gateway lowercases, other front doors may not). */
export function header(
  event: Pick<APIGatewayProxyEventV2, 'headers'>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The raw body bytes, base64-decoded when the front door encoded them. */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded
    ? Buffer.from(event.body, 'base64')
    : Buffer.from(event.body, 'utf8');
}

/**
 * Whether the request's method is the one a route takes (`config/routes.ts`); a GET route also
 * answers HEAD. An event without a method (a hand-made one) passes.
 */
export function methodAccepted(
  event: Pick<APIGatewayProxyEventV2, 'requestContext'>,
  wanted: RouteMethod,
): boolean {
  const method = event.requestContext?.http?.method;
  if (!method || method === wanted) return true;
  return wanted === 'GET' && method === 'HEAD';
}

/** Every JSON endpoint takes POST only. */
export function requirePost(event: Pick<APIGatewayProxyEventV2, 'requestContext'>): void {
  if (!methodAccepted(event, 'POST'))
    throw new DomainError('METHOD_NOT_ALLOWED', 'Only POST is supported.');
}

/**
 * Checks method, media type and size, parses JSON and validates it with `schema`. Throws a
 * `DomainError` with the matching 4xx code; the message names the offending field.
 */
export function parseJsonRequest<S extends z.ZodType>(
  event: APIGatewayProxyEventV2,
  schema: S,
): z.infer<S> {
  requirePost(event);
  const contentType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  }
  const bytes = rawBody(event);
  if (bytes.length > MAX_BODY_BYTES) {
    throw new DomainError('PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  const json = parseJsonBody(bytes);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidRequestError(describeIssue(parsed.error, json));
  return parsed.data;
}

/** The body as JSON, or INVALID_REQUEST. */
export function parseJsonBody(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidRequestError('The body is not valid JSON.');
  }
}

function describeIssue(error: z.ZodError, json: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'The body is invalid.';
  if (issue.path.length === 0) return 'The body must be a JSON object.';
  const field = issue.path.map(String).join('.');
  if (valueAt(json, issue.path) === undefined) return `Field '${field}' is required.`;
  // zod's messages describe the rule ("Invalid email address"), never the input itself.
  return `Field '${field}' is invalid: ${issue.message}.`;
}

function valueAt(json: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** ISO-8601 without milliseconds, as in `2026-02-10T00:00:00Z` (RFC 3339, as the client parses). */
export function wireTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A JSON answer; nothing the service answers may be cached by a proxy, unless `headers` says so
 * (the public `GET` documents).
 */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

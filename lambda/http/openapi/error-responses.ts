import { routeErrorsOf } from '#config/route-errors.ts';
import { methodOf, type RoutePath } from '#config/routes.ts';
import { ERROR_CODES, type ErrorCode } from '#domain/errors.ts';
import { codeToStatus, ERROR_HINTS } from '../error-response.ts';
import type { OperationSpec } from './operations.ts';

/** Any request can meet these: the origin guard, a wrong method, a bug, an AWS outage. */
const EVERY_ROUTE: readonly ErrorCode[] = [
  'FORBIDDEN',
  'METHOD_NOT_ALLOWED',
  'INTERNAL_ERROR',
  'UPSTREAM_UNAVAILABLE',
];
/** A JSON body is parsed by `parseJsonRequest`; a signed one is read as raw bytes first. */
const JSON_BODY: readonly ErrorCode[] = [
  'INVALID_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];
const SIGNED_BODY: readonly ErrorCode[] = ['INVALID_REQUEST', 'PAYLOAD_TOO_LARGE'];
const IDEMPOTENCY: readonly ErrorCode[] = ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'];

/** Every code `path` can answer, in ERROR_CODES order. */
export function codesOf(path: RoutePath, spec: OperationSpec): ErrorCode[] {
  const bodyCodes = spec.request ? (spec.request.signed ? SIGNED_BODY : JSON_BODY) : [];
  const codes = new Set<ErrorCode>([
    ...EVERY_ROUTE,
    ...bodyCodes,
    ...(spec.idempotent ? IDEMPOTENCY : []),
    ...routeErrorsOf(path),
  ]);
  return ERROR_CODES.filter((code) => codes.has(code));
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/**
 * The error responses of `path`, one per status, each naming its codes (an `enum` on `code`, and
 * a line per code with what to do), with the headers that status carries in
 * `http/error-response.ts`.
 */
export function errorResponses(path: RoutePath, spec: OperationSpec): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codesOf(path, spec)) {
    const status = codeToStatus(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers = headersOf(path, status, codes);
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${hintOf(path, code)}`).join('\n\n'),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: {
        'application/json': {
          schema: {
            allOf: [ref('schemas', 'ErrorResponse')],
            properties: { code: { enum: codes } },
          },
        },
      },
    };
  }
  return responses;
}

/** What to do about `code`; a 405 on a GET path names GET, as `methodNotAllowed` does. */
function hintOf(path: RoutePath, code: ErrorCode): string {
  if (code === 'METHOD_NOT_ALLOWED' && methodOf(path) === 'GET') return 'Send a GET (or HEAD).';
  return ERROR_HINTS[code];
}

function headersOf(path: RoutePath, status: number, codes: ErrorCode[]): Record<string, unknown> {
  if (status === 405) return { Allow: allowHeader(path) };
  const retries = codes.some(
    (code) =>
      code === 'RATE_LIMITED' ||
      code === 'DEVICE_CHANGE_LIMIT' ||
      code === 'UPSTREAM_UNAVAILABLE' ||
      code === 'UPSTREAM_BUSY',
  );
  return {
    ...(retries ? { 'Retry-After': ref('headers', 'RetryAfter') } : {}),
    ...(codes.includes('RATE_LIMITED')
      ? {
          'RateLimit-Policy': ref('headers', 'RateLimitPolicy'),
          RateLimit: ref('headers', 'RateLimit'),
        }
      : {}),
  };
}

function allowHeader(path: RoutePath) {
  const allow = methodOf(path) === 'GET' ? 'GET, HEAD' : 'POST';
  return {
    description: 'The methods the path takes.',
    schema: { type: 'string', const: allow },
  };
}

import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { isConflict } from '#adapters/dynamodb/retry-conflicts.ts';
import type { RouteMethod } from '#config/routes.ts';
import { type ErrorCode, isDomainError, isRateLimited, UpstreamError } from '#domain/errors.ts';
import type { Retry } from '#domain/outcome.ts';
import type { RateLimit } from '#domain/rate-limits.ts';
import type { ErrorResponse } from '#schemas/error-response.ts';
import { jsonResponse, wireTime } from './messages.ts';

/**
 * The one place an error code becomes an HTTP status. The shipped RAVN Mail client reads the status
 * alone (docs/client-contract.md, "Errors by status"): 400 shows our message, 403 says "trial
 * already used", 404 "license not found", 409 "license already activated", 503 "service
 * unavailable", anything else "unknown". So a refusal gets the status whose message is true for it,
 * and refusals that none of those describe (expired, disabled, inactive, wrong product) get 400 and
 * our text.
 */
export function codeToStatus(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_REQUEST':
    case 'INVALID_DEVICE_ID':
    case 'INVALID_EVENT':
    case 'DEVICE_DEACTIVATED':
    case 'LICENSE_EXPIRED':
    case 'LICENSE_DISABLED':
    case 'LICENSE_INACTIVE':
    case 'PRODUCT_NOT_ALLOWED':
    // Not "trial already used" (403): no trial was used; the client shows our sentence for a 400.
    case 'DISPOSABLE_EMAIL':
      return 400;
    case 'INVALID_SIGNATURE':
    case 'UNAUTHENTICATED':
      return 401;
    case 'TRIAL_EXPIRED':
    case 'TRIAL_ALREADY_USED':
    case 'INSTANCE_MISMATCH':
    case 'TRIAL_NOT_TRANSFERABLE':
    case 'FORBIDDEN':
      return 403;
    case 'LICENSE_NOT_FOUND':
    case 'INSTANCE_NOT_FOUND':
    case 'NOT_FOUND':
      return 404;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'ACTIVATION_LIMIT_REACHED':
    case 'IDEMPOTENCY_IN_PROGRESS':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'IDEMPOTENCY_KEY_REUSED':
      return 422;
    case 'DEVICE_CHANGE_LIMIT':
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL_ERROR':
      return 500;
    case 'UPSTREAM_ERROR':
    case 'UPSTREAM_UNAVAILABLE':
    case 'UPSTREAM_BUSY':
      return 503;
    default: {
      const unhandled: never = code;
      throw new Error(`no HTTP status for ${String(unhandled)}`);
    }
  }
}

/** What the person in front of the client can do about each error: the body's `details`. */
export const ERROR_HINTS: Readonly<Record<ErrorCode, string>> = {
  INVALID_REQUEST: 'Check the request body against the API description.',
  INVALID_DEVICE_ID: 'Send the device id the RAVN Mail app computes for this machine.',
  INVALID_SIGNATURE: 'Sign the raw body with the webhook secret (hex HMAC-SHA256 in X-Signature).',
  INVALID_EVENT: 'The signed event has a field that is not what LemonSqueezy documents.',
  LICENSE_NOT_FOUND: 'Check the license key, or activate it on this device first.',
  LICENSE_EXPIRED: 'Renew the subscription or buy a new license.',
  LICENSE_DISABLED: 'Contact support: this license key can no longer be used.',
  LICENSE_INACTIVE: 'Update the payment method or resume the subscription, then try again.',
  TRIAL_EXPIRED: 'Buy a license to keep using the app.',
  PRODUCT_NOT_ALLOWED: 'This license key is for another product; use a RAVN Mail license key.',
  ACTIVATION_LIMIT_REACHED: 'Deactivate another device or upgrade to more seats.',
  DEVICE_CHANGE_LIMIT:
    'This license has moved to new devices too often lately; use a device it knows, or retry at retry_at.',
  RATE_LIMITED: 'Slow down: try again after Retry-After seconds (at retry_at).',
  INSTANCE_MISMATCH: 'Use this license key on the device it was activated on.',
  INSTANCE_NOT_FOUND: 'List the devices of this license key and name one of them.',
  DEVICE_DEACTIVATED: 'This device was deactivated: activate the license on it again.',
  UNAUTHENTICATED: 'Send the admin token as Authorization: Bearer <token>.',
  FORBIDDEN: 'Call the service through its public address.',
  TRIAL_ALREADY_USED: 'Buy a license to keep using the app.',
  DISPOSABLE_EMAIL: 'Start the trial with a permanent email address.',
  TRIAL_NOT_TRANSFERABLE:
    'A trial stays on the device it was started on; buy a license to move it.',
  IDEMPOTENCY_KEY_REUSED: 'Use a new Idempotency-Key for a different request body.',
  IDEMPOTENCY_IN_PROGRESS: 'The first request with this Idempotency-Key is still running; retry.',
  NOT_FOUND:
    'Check the path: the API serves /v1/trial, /v1/activate, /v1/validate, /v1/deactivate, /v1/devices.',
  METHOD_NOT_ALLOWED: 'Send the request as POST.',
  PAYLOAD_TOO_LARGE: 'Send a smaller body.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the body with content-type application/json.',
  INTERNAL_ERROR: 'Try again later; if it persists, contact support with the request id.',
  UPSTREAM_ERROR: 'Try again later; if it persists, contact support with the request id.',
  UPSTREAM_UNAVAILABLE: 'Try again in a few seconds.',
  UPSTREAM_BUSY: 'The license service is busy; try again after Retry-After seconds.',
};

/** Headers an error status needs: when to retry a 503, which method a 405 wants. */
function errorHeaders(code: ErrorCode): Record<string, string> | undefined {
  if (code === 'UPSTREAM_UNAVAILABLE') return { 'retry-after': '5' };
  if (code === 'METHOD_NOT_ALLOWED') return { allow: 'POST' };
  return undefined;
}

/**
 * Our error body: `error` and `code` for our own clients, and `message` (the same text) and
 * `details` (what to do about it) in the `ErrorResponse` shape the shipped client declares.
 */
export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorResponse {
  return { error: message, message, details: ERROR_HINTS[code], code, requestId };
}

export function errorResponse(
  code: ErrorCode,
  message: string,
  requestId: string,
  retry?: Retry,
  limit?: RateLimit,
): APIGatewayProxyResultV2 {
  const body = errorBody(code, message, requestId);
  if (retry === undefined) return jsonResponse(codeToStatus(code), body, errorHeaders(code));
  // A refusal that lifts by itself: when, as a date in the body and as seconds in Retry-After.
  return jsonResponse(
    codeToStatus(code),
    { ...body, retry_at: wireTime(retry.at) },
    {
      ...errorHeaders(code),
      'retry-after': String(retry.afterSeconds),
      ...(limit ? rateLimitHeaders(limit, retry) : {}),
    },
  );
}

/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers, structured-field form): the
 * policy that refused and, for it, nothing left until the window resets, at the same instant
 * Retry-After names. Only refusals carry them: most requests never consult a limit (a validate
 * served from the table does not), so a success has no count to report.
 */
function rateLimitHeaders(limit: RateLimit, retry: Retry): Record<string, string> {
  const policy = JSON.stringify(limit.name);
  return {
    'ratelimit-policy': `${policy};q=${limit.max};w=${limit.windowSeconds}`,
    ratelimit: `${policy};r=0;t=${retry.afterSeconds}`,
  };
}

/**
 * 405 for a method the path does not take. POST paths answer exactly what the CloudFront method
 * guard answers (`lambda/edge/method-guard.js`); a GET path names GET and HEAD instead.
 */
export function methodNotAllowed(method: RouteMethod, requestId: string): APIGatewayProxyResultV2 {
  const code = 'METHOD_NOT_ALLOWED';
  if (method === 'POST') return errorResponse(code, 'Only POST is supported.', requestId);
  const body = { ...errorBody(code, 'Only GET is supported.', requestId), details: 'Send a GET.' };
  return jsonResponse(codeToStatus(code), body, { allow: 'GET, HEAD' });
}

/**
 * What any throw tells a client. Our own errors carry a client-safe message; anything else becomes
 * a bare 500 (or a 503 for an AWS dependency that is down) so no stack, cause or upstream text
 * ever reaches the client.
 */
export function errorOf(error: unknown): {
  code: ErrorCode;
  message: string;
  retry?: Retry;
  limit?: RateLimit;
} {
  // A limit's refusal from inside a flow answers like a refused request: its policy too.
  if (isRateLimited(error)) {
    return { code: error.code, message: error.message, retry: error.retry, limit: error.limit };
  }
  if (isDomainError(error)) {
    const retry = error instanceof UpstreamError ? error.retry : undefined;
    return { code: error.code, message: error.message, ...(retry ? { retry } : {}) };
  }
  if (isTransient(error)) {
    return {
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'A backing service is unavailable; try again.',
    };
  }
  return { code: 'INTERNAL_ERROR', message: 'Internal error.' };
}

/** Any throw as a response (see `errorOf`). */
export function errorFromThrown(error: unknown, requestId: string): APIGatewayProxyResultV2 {
  const { code, message, retry, limit } = errorOf(error);
  return errorResponse(code, message, requestId, retry, limit);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * AWS's throttling answers (DynamoDB's, SSM's and Secrets Manager's names): client faults by their
 * HTTP status, but nothing is wrong with the request, and nothing was written.
 */
const THROTTLING_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyUpdates',
]);

/**
 * An AWS dependency (DynamoDB, SSM, Secrets Manager) that is down, throttling or unreachable,
 * after the SDK's own retries: a 503 the client may retry, not a bug. Powertools wraps SDK
 * errors, so causes are followed a few levels down.
 */
export function isTransient(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  const sdk = error as Error & {
    $fault?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: string;
  };
  if (sdk.$fault === 'server' || sdk.$retryable) return true;
  if (THROTTLING_NAMES.has(sdk.name) || isConflict(error)) return true;
  if (sdk.$metadata && sdk.$metadata.httpStatusCode === undefined) return true;
  if (NETWORK_CODES.has(sdk.code ?? '') || sdk.name === 'TimeoutError') return true;
  return isTransient(error.cause, depth + 1);
}

import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { type ErrorCode, isDomainError } from '#domain/errors.ts';
import type { ErrorResponse } from '#schemas/error-response.ts';
import { jsonResponse } from './response.ts';

/** The one place an error code becomes an HTTP status. */
export function codeToStatus(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_REQUEST':
      return 400;
    case 'INVALID_SIGNATURE':
      return 401;
    case 'LICENSE_NOT_FOUND':
    case 'NOT_FOUND':
      return 404;
    case 'LICENSE_EXPIRED':
    case 'LICENSE_DISABLED':
    case 'LICENSE_INACTIVE':
    case 'TRIAL_EXPIRED':
    case 'PRODUCT_NOT_ALLOWED':
    case 'ACTIVATION_LIMIT_REACHED':
    case 'INSTANCE_MISMATCH':
    case 'FORBIDDEN':
      return 403;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'TRIAL_ALREADY_USED':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'INTERNAL_ERROR':
      return 500;
    case 'UPSTREAM_ERROR':
      return 502;
    case 'UPSTREAM_UNAVAILABLE':
      return 503;
    default: {
      const unhandled: never = code;
      throw new Error(`no HTTP status for ${String(unhandled)}`);
    }
  }
}

export function errorResponse(
  code: ErrorCode,
  message: string,
  requestId: string,
): APIGatewayProxyResultV2 {
  const body: ErrorResponse = { error: message, code, requestId };
  const headers = code === 'UPSTREAM_UNAVAILABLE' ? { 'retry-after': '5' } : undefined;
  return jsonResponse(codeToStatus(code), body, headers);
}

/**
 * Any throw as a response. Our own errors carry a client-safe message; anything else becomes a
 * bare 500 so no stack, cause or upstream text ever reaches the client.
 */
export function errorFromThrown(error: unknown, requestId: string): APIGatewayProxyResultV2 {
  if (isDomainError(error)) return errorResponse(error.code, error.message, requestId);
  if (isTransient(error)) {
    return errorResponse(
      'UPSTREAM_UNAVAILABLE',
      'A backing service is unavailable; try again.',
      requestId,
    );
  }
  return errorResponse('INTERNAL_ERROR', 'Internal error.', requestId);
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
  if (sdk.$metadata && sdk.$metadata.httpStatusCode === undefined) return true;
  if (NETWORK_CODES.has(sdk.code ?? '') || sdk.name === 'TimeoutError') return true;
  return isTransient(error.cause, depth + 1);
}

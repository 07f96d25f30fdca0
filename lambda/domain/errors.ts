import type { RateLimit } from './rate-limits.ts';

/**
 * The closed set of error codes a client can branch on. Adding one means adding its status and
 * hint in `lambda/http/error-response.ts`, its routes in `config/route-errors.ts` and its meaning
 * in `error-meanings.ts` (compile errors remind you of each); `pnpm run docs` then writes its
 * row of docs/api.md.
 */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'INVALID_DEVICE_ID',
  'INVALID_SIGNATURE',
  'INVALID_EVENT',
  'LICENSE_NOT_FOUND',
  'LICENSE_EXPIRED',
  'LICENSE_DISABLED',
  'LICENSE_INACTIVE',
  'TRIAL_EXPIRED',
  'PRODUCT_NOT_ALLOWED',
  'ACTIVATION_LIMIT_REACHED',
  'DEVICE_CHANGE_LIMIT',
  'RATE_LIMITED',
  'INSTANCE_MISMATCH',
  'INSTANCE_NOT_FOUND',
  'DEVICE_DEACTIVATED',
  'TRIAL_NOT_TRANSFERABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TRIAL_ALREADY_USED',
  'DISPOSABLE_EMAIL',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BUSY',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes that refuse a license for a business reason (HTTP 403 family). */
export type LicenseRefusalCode =
  | 'LICENSE_EXPIRED'
  | 'LICENSE_DISABLED'
  | 'LICENSE_INACTIVE'
  | 'TRIAL_EXPIRED'
  | 'PRODUCT_NOT_ALLOWED'
  | 'ACTIVATION_LIMIT_REACHED'
  | 'INSTANCE_MISMATCH'
  | 'DEVICE_DEACTIVATED';

/** Codes that refuse a device operation (deactivate, devices) of a known license. */
export type DeviceRefusalCode =
  | 'INSTANCE_NOT_FOUND'
  | 'TRIAL_NOT_TRANSFERABLE'
  | 'DEVICE_CHANGE_LIMIT';

interface DomainErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

/**
 * Base of every error the service layer throws on purpose. `message` is safe to show a client:
 * it never holds a secret, a license key or upstream text. `name` is set explicitly so matching
 * survives bundling and minification.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Malformed input: the message names the offending field. */
export class InvalidRequestError extends DomainError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
    this.name = 'InvalidRequestError';
  }
}

/**
 * A trial's device id that is not one the configured pattern accepts. The message names the
 * field, never the value: a client may send anything there.
 */
export class InvalidDeviceIdError extends DomainError {
  constructor() {
    super('INVALID_DEVICE_ID', "Field 'instanceName' is not a device id this service accepts.");
    this.name = 'InvalidDeviceIdError';
  }
}

export type UpstreamName = 'lemonsqueezy' | 'openrouter';

/**
 * An upstream call failed. `unavailable` (5xx, 429, timeout, reset) is worth a retry; `busy` (our
 * own budget for the upstream spent) may be retried at `retry`; anything else the upstream said
 * that we could not use (`bad-response`) is not. All three answer 503, the status the shipped
 * client reads as "service unavailable" (`http/error-response.ts`).
 */
export class UpstreamError extends DomainError {
  readonly upstream: UpstreamName;
  readonly status: number | undefined;
  /**
   * When a `busy` upstream may be asked again (our own budget for it is spent until then), as an
   * instant and in seconds from the service's clock.
   */
  readonly retry: { at: string; afterSeconds: number } | undefined;

  constructor(
    upstream: UpstreamName,
    kind: 'unavailable' | 'bad-response' | 'busy',
    detail: string,
    options: {
      status?: number;
      cause?: unknown;
      retry?: { at: string; afterSeconds: number };
    } = {},
  ) {
    const code =
      kind === 'busy'
        ? 'UPSTREAM_BUSY'
        : kind === 'unavailable'
          ? 'UPSTREAM_UNAVAILABLE'
          : 'UPSTREAM_ERROR';
    super(code, `${upstream === 'lemonsqueezy' ? 'LemonSqueezy' : 'OpenRouter'} ${detail}`, {
      cause: options.cause,
      retryable: kind !== 'bad-response',
    });
    this.name = 'UpstreamError';
    this.upstream = upstream;
    this.status = options.status;
    this.retry = options.retry;
  }
}

/**
 * A rate limit refused work that is not a request of its own: a LemonSqueezy call past the
 * license's share (`licenseUpstream`), asked for deep inside a flow (a refresh, a seat, a
 * reconciliation). 429 RATE_LIMITED with `Retry-After` and the policy, like a refused request.
 * Not an upstream failure: LemonSqueezy was not asked, and nothing says it is in trouble.
 */
export class RateLimitedError extends DomainError {
  readonly limit: RateLimit;
  readonly retry: { at: string; afterSeconds: number };

  constructor(message: string, limit: RateLimit, retry: { at: string; afterSeconds: number }) {
    super('RATE_LIMITED', message, { retryable: true });
    this.name = 'RateLimitedError';
    this.limit = limit;
    this.retry = retry;
  }
}

/** Whether `error` is a rate limit's refusal thrown from inside a flow (`RateLimitedError`). */
export function isRateLimited(error: unknown): error is RateLimitedError {
  return isDomainError(error) && error.name === 'RateLimitedError';
}

const DOMAIN_ERROR_NAMES = new Set([
  'DomainError',
  'InvalidRequestError',
  'InvalidDeviceIdError',
  'UpstreamError',
  'RateLimitedError',
]);
const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * Recognises our errors without `instanceof` (which breaks across bundles) and without trusting
 * any error that merely has a `code` (Node's ECONNRESET, SDK errors): name and code must be ours.
 */
export function isDomainError(error: unknown): error is DomainError {
  if (!(error instanceof Error) || !DOMAIN_ERROR_NAMES.has(error.name)) return false;
  const { code, retryable } = error as Partial<DomainError>;
  return typeof code === 'string' && KNOWN_CODES.has(code) && typeof retryable === 'boolean';
}

/** An upstream answer we could not make sense of (503 `UPSTREAM_ERROR`). */
export function unexpectedUpstreamAnswer(upstream: UpstreamName, what: string): UpstreamError {
  return new UpstreamError(upstream, 'bad-response', `gave an unexpected answer to ${what}.`);
}

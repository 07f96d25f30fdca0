import { ERROR_CODES, type ErrorCode } from '#domain/errors.ts';
import type { RoutePath } from './routes.ts';

/**
 * For each error code, the routes whose own code can answer it, for the API description
 * (`pnpm openapi`) and docs/api.md (`pnpm run docs`). Only what is particular to a route: the
 * codes every request can meet (origin guard, method, bugs, AWS outages), every JSON body
 * (invalid, too large, wrong media type) and every `Idempotency-Key` route are added by the
 * description's builder from the route's kind, so they list no route here. A `Record` over the
 * codes, so a new code does not compile until its routes are written here; a new route is added
 * to the codes it can answer. The one table: each route's list is derived (`routeErrorsOf`).
 */
export const ERROR_ROUTES: Readonly<Record<ErrorCode, readonly RoutePath[]>> = {
  INVALID_REQUEST: [],
  INVALID_DEVICE_ID: ['/v1/trial'],
  INVALID_SIGNATURE: ['/v1/webhook'],
  INVALID_EVENT: ['/v1/webhook'],
  LICENSE_NOT_FOUND: ['/v1/activate', '/v1/validate', '/v1/deactivate', '/v1/devices'],
  LICENSE_EXPIRED: ['/v1/activate', '/v1/deactivate'],
  LICENSE_DISABLED: ['/v1/activate', '/v1/deactivate'],
  LICENSE_INACTIVE: ['/v1/activate'],
  TRIAL_EXPIRED: ['/v1/activate'],
  PRODUCT_NOT_ALLOWED: ['/v1/activate'],
  ACTIVATION_LIMIT_REACHED: ['/v1/activate'],
  DEVICE_CHANGE_LIMIT: ['/v1/activate'],
  // Besides the limits named here, any LemonSqueezy call is held to its license's share of the
  // budget (licenseUpstream), wherever a flow makes it.
  RATE_LIMITED: [
    '/v1/trial', // trials per client address
    '/v1/activate', // device changes per license; unknown keys per client address
    '/v1/validate', // upstream-bound validates per license; unknown keys
    '/v1/deactivate', // device changes; unknown keys
    '/v1/devices', // unknown keys
    '/v1/webhook', // a tie between two events asks LemonSqueezy; refused, it is delivered again
  ],
  INSTANCE_MISMATCH: ['/v1/activate', '/v1/validate'],
  INSTANCE_NOT_FOUND: ['/v1/deactivate'],
  // Validate carries it in a 200 body (`suspended`), never as an error.
  DEVICE_DEACTIVATED: [],
  TRIAL_NOT_TRANSFERABLE: ['/v1/deactivate'],
  // The admin API's (config/admin.ts), not the public routes'.
  UNAUTHENTICATED: [],
  FORBIDDEN: [],
  TRIAL_ALREADY_USED: ['/v1/trial'],
  DISPOSABLE_EMAIL: ['/v1/trial'],
  IDEMPOTENCY_KEY_REUSED: [],
  IDEMPOTENCY_IN_PROGRESS: [],
  // A path the API does not have: UNROUTED_ERRORS.
  NOT_FOUND: [],
  METHOD_NOT_ALLOWED: [],
  PAYLOAD_TOO_LARGE: [],
  UNSUPPORTED_MEDIA_TYPE: [],
  INTERNAL_ERROR: [],
  // /v1/keys: the signing key set missing or malformed.
  UPSTREAM_ERROR: [
    '/v1/trial',
    '/v1/activate',
    '/v1/validate',
    '/v1/deactivate',
    '/v1/keys',
    '/v1/webhook',
  ],
  UPSTREAM_UNAVAILABLE: [],
  UPSTREAM_BUSY: ['/v1/activate', '/v1/validate', '/v1/deactivate', '/v1/webhook'],
};

/** The refusals `path`'s own code can answer (ERROR_ROUTES turned round), in ERROR_CODES order. */
export function routeErrorsOf(path: RoutePath): ErrorCode[] {
  return ERROR_CODES.filter((code) => ERROR_ROUTES[code].includes(path));
}

/**
 * Answered for a path the API does not have, so it belongs to no route: the description names it
 * in its introduction instead. (Codes no public route answers as an error, such as
 * DEVICE_DEACTIVATED, which validate carries in a 200 body, are in its `ErrorCode` list.)
 */
export const UNROUTED_ERRORS: readonly ErrorCode[] = ['NOT_FOUND'];

import type { ErrorCode } from '#domain/errors.ts';
import type { RoutePath } from './routes.ts';

/**
 * The refusals each route's own code can answer, for the API description (`pnpm openapi`). Only
 * what is particular to a route: the codes every request can meet (origin guard, method, bugs,
 * AWS outages), every JSON body (invalid, too large, wrong media type) and every
 * `Idempotency-Key` route are added by the description's builder from the route's kind. A
 * `Record` over the routes, so a new route does not compile until its refusals are written here.
 */
export const ROUTE_ERRORS: Readonly<Record<RoutePath, readonly ErrorCode[]>> = {
  '/v1/trial': [
    'INVALID_DEVICE_ID',
    'TRIAL_ALREADY_USED',
    'DISPOSABLE_EMAIL',
    'RATE_LIMITED',
    'UPSTREAM_ERROR',
  ],
  '/v1/activate': [
    'LICENSE_NOT_FOUND',
    'LICENSE_EXPIRED',
    'LICENSE_DISABLED',
    'LICENSE_INACTIVE',
    'TRIAL_EXPIRED',
    'PRODUCT_NOT_ALLOWED',
    'INSTANCE_MISMATCH',
    'ACTIVATION_LIMIT_REACHED',
    'DEVICE_CHANGE_LIMIT',
    'RATE_LIMITED',
    'UPSTREAM_ERROR',
    'UPSTREAM_BUSY',
  ],
  '/v1/validate': [
    'LICENSE_NOT_FOUND',
    'INSTANCE_MISMATCH',
    'RATE_LIMITED',
    'UPSTREAM_ERROR',
    'UPSTREAM_BUSY',
  ],
  '/v1/deactivate': [
    'LICENSE_NOT_FOUND',
    'LICENSE_EXPIRED',
    'LICENSE_DISABLED',
    'TRIAL_NOT_TRANSFERABLE',
    'INSTANCE_NOT_FOUND',
    'RATE_LIMITED',
    'UPSTREAM_ERROR',
    'UPSTREAM_BUSY',
  ],
  '/v1/devices': ['LICENSE_NOT_FOUND', 'RATE_LIMITED'],
  // The signing key set missing or malformed.
  '/v1/keys': ['UPSTREAM_ERROR'],
  '/v1/openapi.json': [],
  // RATE_LIMITED: a tie between two events is settled by asking LemonSqueezy, within the
  // license's own share of the budget (LemonSqueezy delivers the event again later).
  '/v1/webhook': [
    'INVALID_SIGNATURE',
    'INVALID_EVENT',
    'RATE_LIMITED',
    'UPSTREAM_ERROR',
    'UPSTREAM_BUSY',
  ],
  '/health': [],
};

/**
 * Answered for a path the API does not have, so it belongs to no route: the description names it
 * in its introduction instead. (Codes no public route answers as an error, such as
 * DEVICE_DEACTIVATED, which validate carries in a 200 body, are in its `ErrorCode` list.)
 */
export const UNROUTED_ERRORS: readonly ErrorCode[] = ['NOT_FOUND'];

import type { ErrorCode } from './errors.ts';

/**
 * When each error code is answered, in words for docs/api.md (`pnpm run docs` writes its table
 * from this, the status switch and config/route-errors.ts). Read by the docs generator only, so
 * the functions do not carry the text; the hint a client shows is `ERROR_HINTS` in
 * `lambda/http/error-response.ts`.
 */
export const ERROR_MEANINGS: Readonly<Record<ErrorCode, string>> = {
  INVALID_REQUEST:
    'The body is not JSON or not an object, or a field is missing or malformed (the message names the field). On the webhook: a correctly signed body that is not an event.',
  INVALID_DEVICE_ID:
    'Trial: the canonical `instanceName` does not match `TRIAL_DEVICE_ID_PATTERN` (by default 64 hex characters, what RAVN Mail sends). The message names the field and never echoes the value.',
  INVALID_SIGNATURE: 'Webhook: the `X-Signature` header is missing, malformed or does not match.',
  INVALID_EVENT:
    'Webhook: a signed event carries a field LemonSqueezy would never send (a date or number that is not one). Nothing is written.',
  LICENSE_NOT_FOUND:
    'Activate: LemonSqueezy does not know the key (or a `trial-…` key is unknown). Validate, deactivate and devices: the key was never activated here (a stored license that can no longer be used is answered 200 `expired` or `suspended` by validate instead).',
  LICENSE_EXPIRED:
    'Activate: the license expired at LemonSqueezy, its `expires_at` passed, or its subscription ended (validate answers 200 `expired`). Deactivate: the stored license is expired.',
  LICENSE_DISABLED:
    'Activate: LemonSqueezy disabled or deleted the license, or its order was refunded (validate answers 200 `suspended`). Deactivate: the stored license is disabled.',
  LICENSE_INACTIVE:
    'Activate: the subscription is paused (unless the pause mode is `free`) or unpaid (validate answers 200 `suspended`).',
  TRIAL_EXPIRED: 'Activate of a trial key whose days are over (validate answers 200 `expired`).',
  PRODUCT_NOT_ALLOWED:
    'The key belongs to another store, or to a product or variant missing from `config/products.json`, or is a test-mode key while `ALLOW_TEST_MODE` is off.',
  ACTIVATION_LIMIT_REACHED:
    "Every seat of the key is taken (LemonSqueezy's `activation_usage` against `activation_limit`).",
  DEVICE_CHANGE_LIMIT:
    'Activate of a device the license never had, after it already took `activation_limit + device_changes` new devices in the last 30 days. `Retry-After` and `retry_at` say when the oldest of them leaves the window.',
  RATE_LIMITED:
    'Over one of the rate limits (trials or unknown keys per client address; device changes, upstream-bound validates or LemonSqueezy calls per license). Nothing more was done; `Retry-After`, `retry_at` and the `RateLimit-Policy`/`RateLimit` headers name the limit.',
  INSTANCE_MISMATCH:
    'The device is not activated on this key: a trial key used on another device, or validate naming a device the license does not have (a license that cannot be used anyway is answered 200 `expired` or `suspended`).',
  INSTANCE_NOT_FOUND:
    'Deactivate: no activated device of the key has that `instanceId` or `instanceName`, or the two name different devices.',
  DEVICE_DEACTIVATED:
    'The device was deactivated at LemonSqueezy. Validate carries it in a 200 `suspended` answer rather than as an error; activating the device again takes a seat.',
  TRIAL_NOT_TRANSFERABLE: 'Deactivate of a trial key: a trial stays on the device it started on.',
  UNAUTHENTICATED:
    'Admin API on the local server: the `Authorization: Bearer` token is missing or wrong.',
  FORBIDDEN:
    'In AWS, a request that did not come through CloudFront (no valid `x-origin-verify` header); on the admin API, a request with no IAM principal.',
  TRIAL_ALREADY_USED:
    'This email address or this device already had a trial (the answer does not say which), each compared in its canonical form. The same device and email within a day of their trial get that trial back instead.',
  DISPOSABLE_EMAIL:
    'Trial: the address is at a disposable email domain or a subdomain of one (`BLOCK_DISPOSABLE_EMAILS`). A 400 rather than 403, so the client shows our sentence instead of "trial already used".',
  IDEMPOTENCY_KEY_REUSED:
    'The `Idempotency-Key` was used within the last 24 hours for a different body.',
  IDEMPOTENCY_IN_PROGRESS: 'A request with the same `Idempotency-Key` is still being served.',
  NOT_FOUND: 'The path is not one the API has.',
  METHOD_NOT_ALLOWED:
    'A method the path does not take: POST paths answer `Allow: POST`, the GET paths (`/v1/keys`, `/v1/openapi.json`, `/health`) `Allow: GET, HEAD`.',
  PAYLOAD_TOO_LARGE: 'The body is over 16 KB (the webhook takes up to 256 KB).',
  UNSUPPORTED_MEDIA_TYPE: 'The body was not sent as `application/json`.',
  INTERNAL_ERROR: 'A bug. The body carries nothing but the request id.',
  UPSTREAM_ERROR:
    'LemonSqueezy or OpenRouter answered something we cannot use (a non-JSON answer, an unexpected shape or status), or the lease signing key set is missing or malformed (checked before a trial, activate or validate changes anything).',
  UPSTREAM_UNAVAILABLE:
    'An upstream timed out, dropped the connection or answered 429 or 5xx, or an AWS dependency (DynamoDB, SSM, Secrets Manager) is unreachable or throttling. `Retry-After: 5`.',
  UPSTREAM_BUSY:
    "This minute's share of the store-wide LemonSqueezy budget (first contacts', or known licenses') is spent, so no upstream call was made. `Retry-After` counts the seconds to the next minute.",
};

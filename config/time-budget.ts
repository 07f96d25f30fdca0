/**
 * How long a request may take, from CloudFront down to one DynamoDB call. Each layer gives up
 * before the one above it does, so the caller always gets an answer from us, never a timeout
 * from the layer above (docs/deploy.md, "Time budget").
 */

/**
 * CloudFront waits this long for a function's answer before it answers 504 itself. The shipped
 * client waits 30 s too.
 */
export const ORIGIN_READ_TIMEOUT_SECONDS = 30;

/**
 * Each function's limit: the slowest request (an activation making five upstream calls in a row,
 * each cut off at UPSTREAM_TIMEOUT_MS, 5 s) fits, and the 5 s left under
 * ORIGIN_READ_TIMEOUT_SECONDS cover a cold start's init, which Lambda does not count here.
 */
export const FUNCTION_TIMEOUT_SECONDS = 25;

/**
 * The DynamoDB client's limits. A call to DynamoDB takes milliseconds; these only cut off a
 * connection that hangs, which would otherwise hold the request until FUNCTION_TIMEOUT_SECONDS.
 * One call gives up after at most `maxAttempts` × (connect + request) plus the SDK's backoff
 * (≤ 0.6 s for three attempts): 9.6 s, well inside the function's limit.
 */
export const DYNAMODB_CLIENT_DEFAULTS = {
  /** To open the TCP/TLS connection. */
  connectTimeoutMs: 1_000,
  /** For the answer to one attempt. */
  requestTimeoutMs: 2_000,
  /** Attempts per call, the first included (the SDK's own default). */
  maxAttempts: 3,
} as const;

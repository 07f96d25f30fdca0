import { methodOf, ROUTE_PATHS, ROUTES, type RoutePath } from './routes.ts';

/**
 * The header CloudFront adds to every request it forwards to a function URL, carrying the origin
 * secret; the functions' origin guard checks it. One name for both sides.
 */
export const ORIGIN_HEADER = 'x-origin-verify';

/**
 * The request headers CloudFront passes to the functions: the ones they read, and nothing else.
 * Not every viewer header, for two reasons: a function URL needs its own Host, and the viewer's
 * address must be CloudFront's `CloudFront-Viewer-Address` (set from the connection; the rate
 * limits key on it), which a policy forwarding all viewer headers would neither add nor protect
 * from a client sending its own. CORS preflights, when a deployment lists origins, need `Origin`
 * and the `Access-Control-Request-*` pair for the function URL's CORS answer; without CORS the
 * functions ignore them.
 */
export const FORWARDED_HEADERS = [
  'Content-Type',
  'Idempotency-Key',
  'X-Signature',
  'User-Agent',
  'Origin',
  'Access-Control-Request-Method',
  'Access-Control-Request-Headers',
  'CloudFront-Viewer-Address',
] as const;

/**
 * The client endpoints: every POST route but the webhook, which LemonSqueezy calls server to
 * server. CloudFront runs the method guard (`lambda/edge/method-guard.js`) on them, so a non-POST
 * request (the shipped client's `GET /v1/validate` probe) is answered at the edge; the local
 * server does the same for these paths.
 */
export const CLIENT_PATHS = ROUTE_PATHS.filter(
  (path) => ROUTES[path] !== 'webhook' && methodOf(path) === 'POST',
);

/**
 * The GET paths CloudFront must never cache: a health probe answered from an edge cache would
 * report "ok" for an hour after the functions stopped answering. They get the webhook's
 * behaviour (caching disabled, no method guard, no CORS: probes are not browsers).
 */
export const PROBE_PATHS: readonly RoutePath[] = ['/health'];

/**
 * The public documents read with GET (`/v1/keys`, `/v1/openapi.json`): CloudFront caches them
 * for at most `PUBLIC_MAX_AGE_SECONDS` and runs no method guard there (another method reaches
 * the function, which answers 405 `allow: GET, HEAD`).
 */
export const PUBLIC_PATHS = ROUTE_PATHS.filter(
  (path) => methodOf(path) === 'GET' && !PROBE_PATHS.includes(path),
);

/**
 * How long a public document may be cached, by CloudFront and by clients (`cache-control`). A new
 * signing key is published for longer than this before it signs (`DEFAULT_PUBLISH_AHEAD_MS`).
 */
export const PUBLIC_MAX_AGE_SECONDS = 3600;

/**
 * What a browser's CORS preflight of the API is answered when the deploy setting `corsOrigins`
 * lists origins (CloudFront's response headers policy on the client paths and the function URLs'
 * CORS settings say the same). By default it lists none: no CORS header anywhere, and no
 * preflight succeeds. The webhook never has CORS.
 */
export const CORS_PREFLIGHT = {
  allowMethods: ['POST', 'OPTIONS'],
  allowHeaders: ['content-type'],
  maxAgeSeconds: 3600,
} as const;

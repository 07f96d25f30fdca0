import { methodOf, ROUTE_PATHS, ROUTES } from './routes.ts';

/**
 * The header CloudFront adds to every request it forwards to a function URL, carrying the origin
 * secret; the functions' origin guard checks it. One name for both sides.
 */
export const ORIGIN_HEADER = 'x-origin-verify';

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
 * The public documents read with GET (`/v1/keys`): CloudFront caches them for at most
 * `PUBLIC_MAX_AGE_SECONDS` and runs no method guard there (another method reaches the function,
 * which answers 405 `allow: GET, HEAD`).
 */
export const PUBLIC_PATHS = ROUTE_PATHS.filter((path) => methodOf(path) === 'GET');

/**
 * How long a public document may be cached, by CloudFront and by clients (`cache-control`). A new
 * signing key is published for longer than this before it signs (`DEFAULT_PUBLISH_AHEAD_MS`).
 */
export const PUBLIC_MAX_AGE_SECONDS = 3600;

import { ROUTE_PATHS, ROUTES } from './routes.ts';

/**
 * The header CloudFront adds to every request it forwards to a function URL, carrying the origin
 * secret; the functions' origin guard checks it. One name for both sides.
 */
export const ORIGIN_HEADER = 'x-origin-verify';

/**
 * The client endpoints: every route but the webhook, which LemonSqueezy calls server to server.
 * CloudFront runs the method guard (`lambda/edge/method-guard.js`) on them, so a non-POST request
 * (the shipped client's `GET /v1/validate` probe) is answered at the edge; the local server does
 * the same for these paths.
 */
export const CLIENT_PATHS = ROUTE_PATHS.filter((path) => ROUTES[path] !== 'webhook');

/**
 * The header CloudFront adds to every request it forwards to a function URL, carrying the origin
 * secret; the functions' origin guard checks it. One name for both sides.
 */
export const ORIGIN_HEADER = 'x-origin-verify';

/**
 * The client endpoints. CloudFront runs the method guard (`lambda/edge/method-guard.js`) on
 * them, so a non-POST request (the shipped client's `GET /v1/validate` probe) is answered at the
 * edge; the local server does the same for these paths.
 */
export const CLIENT_PATHS = ['/v1/trial', '/v1/activate', '/v1/validate'] as const;

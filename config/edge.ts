/**
 * The header CloudFront adds to every request it forwards to a function URL, carrying the origin
 * secret; the functions' origin guard checks it. One name for both sides.
 */
export const ORIGIN_HEADER = 'x-origin-verify';

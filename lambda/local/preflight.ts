import type { IncomingHttpHeaders } from 'node:http';
import { CORS_PREFLIGHT } from '#config/edge.ts';
import { functionOf } from '#config/routes.ts';

/**
 * The answer to a CORS preflight, as the deployed stack gives it: a function URL with CORS
 * settings (every function but the webhook; unknown paths reach activate's) answers a preflight
 * itself, without invoking the function, and CloudFront sets the CORS headers of its response
 * headers policy. `pnpm start` has no origins configured, so it answers as the default (`*`).
 * Anything else sent as OPTIONS (no `Origin` or no `Access-Control-Request-Method`) is not a
 * preflight: it reaches the function, which answers 405 with `allow`, as in AWS.
 */
export function preflightAnswer(
  method: string | undefined,
  path: string,
  headers: IncomingHttpHeaders,
): { statusCode: number; headers: Record<string, string> } | undefined {
  const preflight =
    method === 'OPTIONS' &&
    headers.origin !== undefined &&
    headers['access-control-request-method'];
  if (!preflight || functionOf(path) === 'webhook') return undefined;
  return {
    statusCode: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': CORS_PREFLIGHT.allowMethods.join(', '),
      'access-control-allow-headers': CORS_PREFLIGHT.allowHeaders.join(', '),
      'access-control-max-age': String(CORS_PREFLIGHT.maxAgeSeconds),
    },
  };
}

import type { IncomingHttpHeaders } from 'node:http';
import { ANY_ORIGIN } from '#config/deploy-settings.ts';
import { CORS_PREFLIGHT, PROBE_PATHS } from '#config/edge.ts';
import { functionOf } from '#config/routes.ts';

type Answer = { statusCode: number; headers: Record<string, string> };

/**
 * The `access-control-allow-origin` a request's `Origin` earns, as CloudFront's CORS policy gives
 * it: `*` when every origin is allowed, the origin itself when it is listed, else none.
 */
function allowedOrigin(origins: readonly string[], origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (origins.includes(ANY_ORIGIN)) return ANY_ORIGIN;
  return origins.includes(origin) ? origin : undefined;
}

/**
 * The answer to a CORS preflight, as the deployed stack gives it for `origins` (the
 * `corsOrigins` setting; `CORS_ORIGINS` for `pnpm start`). With none listed (the default) there
 * is no CORS: `undefined`, so the OPTIONS goes where any other method goes (the edge's method
 * guard on the client paths, else the function), and is refused. With origins listed, a function
 * URL with CORS settings (every function but the webhook; unknown paths reach activate's) answers
 * a preflight itself, without invoking the function, granting only a listed origin, and
 * CloudFront sets the CORS headers of its response headers policy. An OPTIONS with no `Origin` or
 * no `Access-Control-Request-Method` is no preflight: it reaches the function (405 with `allow`).
 */
export function preflightAnswer(
  method: string | undefined,
  path: string,
  headers: IncomingHttpHeaders,
  origins: readonly string[],
): Answer | undefined {
  if (origins.length === 0) return undefined;
  const preflight =
    method === 'OPTIONS' &&
    headers.origin !== undefined &&
    headers['access-control-request-method'];
  if (!preflight || functionOf(path) === 'webhook') return undefined;
  const allowed = allowedOrigin(origins, headers.origin);
  return {
    statusCode: 204,
    headers: allowed
      ? {
          'access-control-allow-origin': allowed,
          'access-control-allow-methods': CORS_PREFLIGHT.allowMethods.join(', '),
          'access-control-allow-headers': CORS_PREFLIGHT.allowHeaders.join(', '),
          'access-control-max-age': String(CORS_PREFLIGHT.maxAgeSeconds),
        }
      : {},
  };
}

/**
 * The CORS header CloudFront adds to a function's answer on the paths with the CORS policy (all
 * but the webhook and the health probe): `access-control-allow-origin` for a listed `Origin`,
 * nothing without CORS or for an origin not listed.
 */
export function corsResponseHeaders(
  path: string,
  headers: IncomingHttpHeaders,
  origins: readonly string[],
): Record<string, string> {
  if (functionOf(path) === 'webhook' || PROBE_PATHS.some((probe) => probe === path)) return {};
  const allowed = allowedOrigin(origins, headers.origin);
  return allowed ? { 'access-control-allow-origin': allowed } : {};
}

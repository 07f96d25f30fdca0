import { PUBLIC_MAX_AGE_SECONDS } from '#config/edge.ts';
import type { Route } from '../run-route.ts';
import type { OpenApiDocument } from './document.ts';

/**
 * `GET /v1/openapi.json`, built from the schemas on its first request and kept for the warm ones,
 * so it cannot drift from the code it describes. The builder is imported on that first request:
 * esbuild then evaluates it, and the schemas only it needs (trial, webhook, …), only then, so the
 * function's hot routes pay nothing for it at a cold start. Cached like the lease keys:
 * CloudFront asks again at most hourly.
 */
export function openApiRoute(version: string): Route<undefined, OpenApiDocument> {
  let document: OpenApiDocument | undefined;
  return {
    read: () => undefined,
    serve: async () => {
      document ??= (await import('./document.ts')).buildOpenApiDocument(version);
      return { ok: true, value: document };
    },
    write: (value) => value,
    headers: { 'cache-control': `public, max-age=${PUBLIC_MAX_AGE_SECONDS}` },
  };
}

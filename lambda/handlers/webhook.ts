import { type ApiHandler, serveRoutes } from '#http/run-route.ts';
import { lambdaEntry } from './lazy-deps.ts';
import type { WebhookDeps } from './routes/webhook.ts';

/**
 * `ravn-webhook`: POST /v1/webhook, LemonSqueezy's signed events. Answers 200 to anything applied
 * or ignored. The route is imported on its first request, like every function's.
 */
export function createWebhookHandler(deps: WebhookDeps): ApiHandler {
  return serveRoutes('webhook', {
    '/v1/webhook': async () => (await import('./routes/webhook.ts')).postWebhook(deps),
  });
}

export const handler = lambdaEntry(createWebhookHandler);

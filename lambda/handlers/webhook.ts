import type { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { type ApiHandler, runRoute, serveRoutes } from '#http/run-route.ts';
import { verifiedWebhook } from '#http/webhook-request.ts';
import { handleWebhook } from '#services/webhook/handle-webhook.ts';
import { lambdaEntry } from './lazy-deps.ts';

/** `ravn-webhook`: POST /v1/webhook, LemonSqueezy's signed events. Answers 200 to anything applied or ignored. */
export function createWebhookHandler(
  deps: { secrets: ConfiguredSecrets } & Parameters<typeof handleWebhook>[0],
): ApiHandler {
  return serveRoutes('webhook', {
    '/v1/webhook': runRoute(deps.logger, {
      read: (event) => verifiedWebhook(event, () => deps.secrets.get('webhookSecret')),
      serve: async (delivery) => ({ ok: true, value: await handleWebhook(deps, delivery) }),
      write: (outcome) => ({ received: true, outcome }),
    }),
  });
}

export const handler = lambdaEntry(createWebhookHandler);

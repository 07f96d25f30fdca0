import type { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { type ApiHandler, runRoute } from '#http/run-route.ts';
import { verifiedWebhook } from '#http/webhook-request.ts';
import { handleWebhook } from '#services/webhook/handle-webhook.ts';

export type WebhookDeps = { secrets: ConfiguredSecrets } & Parameters<typeof handleWebhook>[0];

/** POST /v1/webhook: LemonSqueezy's signed events, answered 200 when applied or ignored. */
export function postWebhook(deps: WebhookDeps): ApiHandler {
  return runRoute(deps.logger, {
    read: (event) => verifiedWebhook(event, () => deps.secrets.get('webhookSecret')),
    serve: async (delivery) => ({ ok: true, value: await handleWebhook(deps, delivery) }),
    write: (outcome) => ({ received: true, outcome }),
  });
}

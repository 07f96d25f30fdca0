import { guardOrigin } from '#http/origin-guard.ts';
import { requirePost } from '#http/request.ts';
import { jsonResponse } from '#http/response.ts';
import { type ApiHandler, respond, routeByPath } from '#http/run-route.ts';
import { verifiedWebhook } from '#http/webhook-request.ts';
import type { AppDeps } from '#lambda/deps.ts';
import { handleWebhook } from '#services/webhook/handle-webhook.ts';
import { lambdaDeps } from './lazy-deps.ts';

/** `ravn-webhook`: POST /v1/webhook, LemonSqueezy's signed events. Answers 200 to anything applied or ignored. */
export function createWebhookHandler(
  deps: Pick<AppDeps, 'secrets'> & Parameters<typeof handleWebhook>[0],
): ApiHandler {
  return routeByPath({
    '/v1/webhook': (event, context) =>
      respond(deps.logger, event, context, async () => {
        requirePost(event);
        const delivery = verifiedWebhook(event, await deps.secrets.get('webhookSecret'));
        const outcome = await handleWebhook(deps, delivery);
        return jsonResponse(200, { received: true, outcome });
      }),
  });
}

let built: ApiHandler | undefined;

/** The Lambda entry point; dependencies are built on the first request of a cold start. */
export const handler: ApiHandler = (event, context) => {
  built ??= guardOrigin(createWebhookHandler(lambdaDeps()), lambdaDeps().secrets);
  return built(event, context);
};

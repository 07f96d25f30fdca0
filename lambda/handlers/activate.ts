import { type IdempotencyDeps, withIdempotency } from '#http/idempotency.ts';
import { guardOrigin } from '#http/origin-guard.ts';
import { type ApiHandler, routeByPath, runRoute } from '#http/run-route.ts';
import { activateRequestSchema } from '#schemas/activate.ts';
import { trialRequestSchema } from '#schemas/trial.ts';
import { activateLicense } from '#services/activate-license.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { startTrial } from '#services/start-trial.ts';
import { lambdaDeps } from './lazy-deps.ts';

/**
 * `ravn-activate`: POST /v1/trial and POST /v1/activate. Both honour `Idempotency-Key`: a lost
 * trial answer must not burn the email and device, so a retry gets the same answer back.
 */
export function createActivateHandler(deps: ServiceDeps & IdempotencyDeps): ApiHandler {
  return routeByPath({
    '/v1/trial': withIdempotency(deps, (event, context) =>
      runRoute(deps.logger, event, context, trialRequestSchema, (input) => startTrial(deps, input)),
    ),
    '/v1/activate': withIdempotency(deps, (event, context) =>
      runRoute(deps.logger, event, context, activateRequestSchema, (input) =>
        activateLicense(deps, input),
      ),
    ),
  });
}

let built: ApiHandler | undefined;

/** The Lambda entry point; dependencies are built on the first request of a cold start. */
export const handler: ApiHandler = (event, context) => {
  built ??= guardOrigin(createActivateHandler(lambdaDeps()), lambdaDeps().secrets);
  return built(event, context);
};

import { type IdempotencyDeps, withIdempotency } from '#http/idempotency.ts';
import { licenseBody } from '#http/license-body.ts';
import { type ApiHandler, jsonRoute, runRoute, serveRoutes } from '#http/run-route.ts';
import { activateRequestSchema } from '#schemas/activate.ts';
import { trialRequestSchema } from '#schemas/trial.ts';
import { activateLicense } from '#services/activate-license.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { startTrial } from '#services/start-trial.ts';
import { lambdaEntry } from './lazy-deps.ts';

/**
 * `ravn-activate`: POST /v1/trial and POST /v1/activate. Both honour `Idempotency-Key`: a lost
 * trial answer must not burn the email and device, so a retry gets the same answer back.
 */
export function createActivateHandler(deps: ServiceDeps & IdempotencyDeps): ApiHandler {
  const trial = jsonRoute(trialRequestSchema, (input) => startTrial(deps, input), licenseBody);
  const activate = jsonRoute(
    activateRequestSchema,
    (input) => activateLicense(deps, input),
    licenseBody,
  );
  return serveRoutes('activate', {
    '/v1/trial': withIdempotency(deps, runRoute(deps.logger, trial)),
    '/v1/activate': withIdempotency(deps, runRoute(deps.logger, activate)),
  });
}

export const handler = lambdaEntry(createActivateHandler);

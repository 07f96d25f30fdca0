import { type IdempotencyDeps, withIdempotency } from '#http/idempotency.ts';
import { trialCaller } from '#http/idempotency-scope.ts';
import { type LeaseDeps, licenseRoute } from '#http/license-body.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { trialRequestSchema } from '#schemas/trial.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { startTrial } from '#services/start-trial.ts';

/** POST /v1/trial, idempotent per device and email (a lost answer must not burn the trial). */
export function postTrial(deps: ServiceDeps & IdempotencyDeps & LeaseDeps): ApiHandler {
  const trial = licenseRoute(deps, trialRequestSchema, (input) => startTrial(deps, input));
  return withIdempotency(deps, trial, trialCaller(deps.policy));
}

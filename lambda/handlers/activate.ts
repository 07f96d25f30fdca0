import { deactivationBody } from '#http/device-bodies.ts';
import { type IdempotencyDeps, withIdempotency } from '#http/idempotency.ts';
import { licenseCaller, trialCaller } from '#http/idempotency-scope.ts';
import { type LeaseDeps, licenseRoute } from '#http/license-body.ts';
import { type ApiHandler, jsonRoute, serveRoutes } from '#http/run-route.ts';
import { activateRequestSchema } from '#schemas/activate.ts';
import { deactivateRequestSchema } from '#schemas/deactivate.ts';
import { trialRequestSchema } from '#schemas/trial.ts';
import { activateLicense } from '#services/activate-license.ts';
import { deactivateDevice } from '#services/deactivate-device.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { startTrial } from '#services/start-trial.ts';
import { lambdaEntry } from './lazy-deps.ts';

/**
 * `ravn-activate`: POST /v1/trial, /v1/activate and /v1/deactivate. All honour
 * `Idempotency-Key`: a lost trial answer must not burn the email and device, so a retry gets the
 * same answer back. A key is the caller's own: scoped by the trial's device and email, or by the
 * license.
 */
export function createActivateHandler(deps: ServiceDeps & IdempotencyDeps & LeaseDeps): ApiHandler {
  const trial = licenseRoute(deps, trialRequestSchema, (input) => startTrial(deps, input));
  const activate = licenseRoute(deps, activateRequestSchema, (input) =>
    activateLicense(deps, input),
  );
  const deactivate = jsonRoute(
    deactivateRequestSchema,
    (input) => deactivateDevice(deps, input),
    deactivationBody,
  );
  return serveRoutes('activate', {
    '/v1/trial': withIdempotency(deps, trial, trialCaller(deps.policy)),
    '/v1/activate': withIdempotency(deps, activate, licenseCaller),
    '/v1/deactivate': withIdempotency(deps, deactivate, licenseCaller),
  });
}

export const handler = lambdaEntry(createActivateHandler);

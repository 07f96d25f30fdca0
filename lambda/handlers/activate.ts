import type { IdempotencyDeps } from '#http/idempotency.ts';
import type { LeaseDeps } from '#http/license-body.ts';
import { type ApiHandler, serveRoutes } from '#http/run-route.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { lambdaEntry } from './lazy-deps.ts';

/**
 * `ravn-activate`: POST /v1/trial, /v1/activate and /v1/deactivate. All honour
 * `Idempotency-Key`: a lost trial answer must not burn the email and device, so a retry gets the
 * same answer back. A key is the caller's own: scoped by the trial's device and email, or by the
 * license. Each route is imported on its first request (`serveRoutes`).
 */
export function createActivateHandler(deps: ServiceDeps & IdempotencyDeps & LeaseDeps): ApiHandler {
  return serveRoutes('activate', {
    '/v1/trial': async () => (await import('./routes/trial.ts')).postTrial(deps),
    '/v1/activate': async () => (await import('./routes/activate.ts')).postActivate(deps),
    '/v1/deactivate': async () => (await import('./routes/deactivate.ts')).postDeactivate(deps),
  });
}

export const handler = lambdaEntry(createActivateHandler);

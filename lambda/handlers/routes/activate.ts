import { type IdempotencyDeps, withIdempotency } from '#http/idempotency.ts';
import { licenseCaller } from '#http/idempotency-scope.ts';
import { type LeaseDeps, licenseRoute } from '#http/license-body.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { activateRequestSchema } from '#schemas/activate.ts';
import { activateLicense } from '#services/activate-license.ts';
import type { ServiceDeps } from '#services/service-deps.ts';

/** POST /v1/activate, idempotent per license. */
export function postActivate(deps: ServiceDeps & IdempotencyDeps & LeaseDeps): ApiHandler {
  const activate = licenseRoute(deps, activateRequestSchema, (input) =>
    activateLicense(deps, input),
  );
  return withIdempotency(deps, activate, licenseCaller);
}

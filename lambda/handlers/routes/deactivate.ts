import { deactivationBody } from '#http/device-bodies.ts';
import { type IdempotencyDeps, withIdempotency } from '#http/idempotency.ts';
import { licenseCaller } from '#http/idempotency-scope.ts';
import { type ApiHandler, jsonRoute } from '#http/run-route.ts';
import { deactivateRequestSchema } from '#schemas/deactivate.ts';
import { deactivateDevice } from '#services/deactivate-device.ts';
import type { ServiceDeps } from '#services/service-deps.ts';

/** POST /v1/deactivate, idempotent per license. */
export function postDeactivate(deps: ServiceDeps & IdempotencyDeps): ApiHandler {
  const deactivate = jsonRoute(
    deactivateRequestSchema,
    (input) => deactivateDevice(deps, input),
    deactivationBody,
  );
  return withIdempotency(deps, deactivate, licenseCaller);
}

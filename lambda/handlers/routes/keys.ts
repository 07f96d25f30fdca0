import { keysRoute, type LeaseDeps } from '#http/license-body.ts';
import { type ApiHandler, runRoute } from '#http/run-route.ts';
import type { ServiceLogger } from '#ports/logger.ts';

/** GET /v1/keys: the public keys that verify leases, as a JWKS. */
export function getKeys(
  deps: Pick<LeaseDeps, 'signingKeys'> & { logger: ServiceLogger },
): ApiHandler {
  return runRoute(deps.logger, keysRoute(deps));
}

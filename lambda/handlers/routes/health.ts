import type { BuildInfo } from '#config/build-info.ts';
import { buildFromEnv, healthRoute } from '#http/health.ts';
import { type ApiHandler, runRoute } from '#http/run-route.ts';
import type { ServiceLogger } from '#ports/logger.ts';

/** GET /health: the running build, from memory. */
export function getHealth(
  deps: { logger: ServiceLogger },
  build: BuildInfo = buildFromEnv(),
): ApiHandler {
  return runRoute(deps.logger, healthRoute(build));
}

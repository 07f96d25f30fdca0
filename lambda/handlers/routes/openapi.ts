import type { BuildInfo } from '#config/build-info.ts';
import { buildFromEnv } from '#http/health.ts';
import { openApiRoute } from '#http/openapi/route.ts';
import { type ApiHandler, runRoute } from '#http/run-route.ts';
import type { ServiceLogger } from '#ports/logger.ts';

/** GET /v1/openapi.json: the API description of the running build. */
export function getOpenApi(
  deps: { logger: ServiceLogger },
  build: BuildInfo = buildFromEnv(),
): ApiHandler {
  return runRoute(deps.logger, openApiRoute(build.version));
}

import type { BuildInfo } from '#config/build-info.ts';
import { devicesBody } from '#http/device-bodies.ts';
import { buildFromEnv, healthRoute } from '#http/health.ts';
import { keysRoute, type LeaseDeps, licenseRoute } from '#http/license-body.ts';
import { openApiRoute } from '#http/openapi/route.ts';
import { type ApiHandler, jsonRoute, runRoute, serveRoutes } from '#http/run-route.ts';
import { devicesRequestSchema } from '#schemas/devices.ts';
import { validateRequestSchema } from '#schemas/validate.ts';
import { listDevices } from '#services/list-devices.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { validateLicense } from '#services/validate-license.ts';
import { lambdaEntry } from './lazy-deps.ts';

/**
 * `ravn-validate`: POST /v1/validate, POST /v1/devices, GET /v1/keys, GET /v1/openapi.json and
 * GET /health. `build` is what the CDK app wrote into the environment unless given.
 */
export function createValidateHandler(
  deps: ServiceDeps & LeaseDeps,
  build: BuildInfo = buildFromEnv(),
): ApiHandler {
  return serveRoutes('validate', {
    '/v1/validate': runRoute(
      deps.logger,
      licenseRoute(deps, validateRequestSchema, (input) => validateLicense(deps, input)),
    ),
    '/v1/devices': runRoute(
      deps.logger,
      jsonRoute(devicesRequestSchema, (input) => listDevices(deps, input), devicesBody),
    ),
    '/v1/keys': runRoute(deps.logger, keysRoute(deps)),
    '/v1/openapi.json': runRoute(deps.logger, openApiRoute(build.version)),
    '/health': runRoute(deps.logger, healthRoute(build)),
  });
}

export const handler = lambdaEntry(createValidateHandler);

import type { BuildInfo } from '#config/build-info.ts';
import type { LeaseDeps } from '#http/license-body.ts';
import { type ApiHandler, serveRoutes } from '#http/run-route.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { lambdaEntry } from './lazy-deps.ts';

/**
 * `ravn-validate`: POST /v1/validate, POST /v1/devices, GET /v1/keys, GET /v1/openapi.json and
 * GET /health. `build` is what the CDK app wrote into the environment unless given. Each route
 * is imported on its first request (`serveRoutes`): the client's validate at app start does not
 * wait for the device list's or the documents' code.
 */
export function createValidateHandler(
  deps: ServiceDeps & LeaseDeps,
  build?: BuildInfo,
): ApiHandler {
  return serveRoutes('validate', {
    '/v1/validate': async () => (await import('./routes/validate.ts')).postValidate(deps),
    '/v1/devices': async () => (await import('./routes/devices.ts')).postDevices(deps),
    '/v1/keys': async () => (await import('./routes/keys.ts')).getKeys(deps),
    '/v1/openapi.json': async () => (await import('./routes/openapi.ts')).getOpenApi(deps, build),
    '/health': async () => (await import('./routes/health.ts')).getHealth(deps, build),
  });
}

export const handler = lambdaEntry(createValidateHandler);

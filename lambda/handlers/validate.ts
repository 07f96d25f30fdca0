import { licenseBody } from '#http/license-body.ts';
import { type ApiHandler, jsonRoute, runRoute, serveRoutes } from '#http/run-route.ts';
import { validateRequestSchema } from '#schemas/validate.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { validateLicense } from '#services/validate-license.ts';
import { lambdaEntry } from './lazy-deps.ts';

/** `ravn-validate`: POST /v1/validate. */
export function createValidateHandler(deps: ServiceDeps): ApiHandler {
  return serveRoutes('validate', {
    '/v1/validate': runRoute(
      deps.logger,
      jsonRoute(validateRequestSchema, (input) => validateLicense(deps, input), licenseBody),
    ),
  });
}

export const handler = lambdaEntry(createValidateHandler);

import { type LeaseDeps, licenseRoute } from '#http/license-body.ts';
import { type ApiHandler, runRoute } from '#http/run-route.ts';
import { validateRequestSchema } from '#schemas/validate.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { validateLicense } from '#services/validate-license.ts';

/** POST /v1/validate: the license answer with its lease (the shipped client's hourly call). */
export function postValidate(deps: ServiceDeps & LeaseDeps): ApiHandler {
  return runRoute(
    deps.logger,
    licenseRoute(deps, validateRequestSchema, (input) => validateLicense(deps, input)),
  );
}

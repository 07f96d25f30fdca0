import { guardOrigin } from '#http/origin-guard.ts';
import { type ApiHandler, routeByPath, runRoute } from '#http/run-route.ts';
import { validateRequestSchema } from '#schemas/validate.ts';
import type { ServiceDeps } from '#services/service-deps.ts';
import { validateLicense } from '#services/validate-license.ts';
import { lambdaDeps } from './lazy-deps.ts';

/** `ravn-validate`: POST /v1/validate. */
export function createValidateHandler(deps: ServiceDeps): ApiHandler {
  return routeByPath({
    '/v1/validate': (event, context) =>
      runRoute(deps.logger, event, context, validateRequestSchema, (input) =>
        validateLicense(deps, input),
      ),
  });
}

let built: ApiHandler | undefined;

/** The Lambda entry point; dependencies are built on the first request of a cold start. */
export const handler: ApiHandler = (event, context) => {
  built ??= guardOrigin(createValidateHandler(lambdaDeps()), lambdaDeps().secrets);
  return built(event, context);
};

import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { isDomainError } from '#domain/errors.ts';
import { toLicenseResponse } from '#schemas/license-response.ts';
import type { LicenseView, Outcome } from '#services/outcome.ts';
import type { ServiceLogger } from '#services/service-deps.ts';
import { errorFromThrown, errorResponse } from './error-response.ts';
import { parseJsonRequest } from './request.ts';
import { jsonResponse } from './response.ts';

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
) => Promise<APIGatewayProxyResultV2>;

type Result = Exclude<APIGatewayProxyResultV2, string>;

/**
 * One request through one route: parse with the route's schema, call its service function, map
 * the outcome. Logs a single line per request with its status and code (never the body).
 */
export async function runRoute<S extends z.ZodType>(
  logger: ServiceLogger,
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  schema: S,
  service: (input: z.infer<S>) => Promise<Outcome<LicenseView>>,
): Promise<APIGatewayProxyResultV2> {
  const started = performance.now();
  const requestId = context.awsRequestId;
  let response: Result;
  let code: string | undefined;
  try {
    const outcome = await service(parseJsonRequest(event, schema));
    if (outcome.ok) {
      response = jsonResponse(200, toLicenseResponse(outcome.value)) as Result;
    } else {
      code = outcome.code;
      response = errorResponse(outcome.code, outcome.detail, requestId) as Result;
    }
  } catch (error) {
    code = isDomainError(error) ? error.code : 'INTERNAL_ERROR';
    response = errorFromThrown(error, requestId) as Result;
    if (!isDomainError(error) || (response.statusCode ?? 500) >= 500) {
      logger.error('request failed', { requestId, code, error: describe(error) });
    }
  }
  logger.info('request', {
    requestId,
    route: event.rawPath,
    status: response.statusCode,
    code,
    durationMs: Math.round(performance.now() - started),
  });
  return response;
}

/** An error for the log: its kind and our own message, never a raw upstream body. */
function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  return {
    name: error.name,
    message: error.message,
    retryable: isDomainError(error) ? error.retryable : undefined,
  };
}

/** Routes by path, answering 404 for anything else. */
export function routeByPath(routes: Record<string, ApiHandler>): ApiHandler {
  return async (event, context) => {
    const route = routes[event.rawPath];
    if (!route) return errorResponse('NOT_FOUND', 'No such endpoint.', context.awsRequestId);
    return route(event, context);
  };
}

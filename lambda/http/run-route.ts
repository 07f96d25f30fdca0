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
 * Runs one request's work and turns any throw into our error body. Logs a single line per
 * request with its status and code (never the body); 5xx and unknown throws also log the error.
 */
export async function respond(
  logger: ServiceLogger,
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  work: () => Promise<APIGatewayProxyResultV2>,
): Promise<APIGatewayProxyResultV2> {
  const started = performance.now();
  const requestId = context.awsRequestId;
  let response: Result;
  try {
    response = (await work()) as Result;
  } catch (error) {
    response = errorFromThrown(error, requestId) as Result;
    if (!isDomainError(error) || (response.statusCode ?? 500) >= 500) {
      logger.error('request failed', { requestId, error: describe(error) });
    }
  }
  const status = response.statusCode ?? 200;
  logger.info('request', {
    requestId,
    route: event.rawPath,
    status,
    code: status >= 400 ? codeOf(response) : undefined,
    durationMs: Math.round(performance.now() - started),
  });
  return response;
}

/** One license route: parse with the route's schema, call its service function, map the outcome. */
export function runRoute<S extends z.ZodType>(
  logger: ServiceLogger,
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  schema: S,
  service: (input: z.infer<S>) => Promise<Outcome<LicenseView>>,
): Promise<APIGatewayProxyResultV2> {
  return respond(logger, event, context, async () => {
    const outcome = await service(parseJsonRequest(event, schema));
    return outcome.ok
      ? jsonResponse(200, toLicenseResponse(outcome.value))
      : errorResponse(outcome.code, outcome.detail, context.awsRequestId);
  });
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

function codeOf(response: Result): string | undefined {
  try {
    return (JSON.parse(response.body ?? '') as { code?: string }).code;
  } catch {
    return undefined;
  }
}

/** Routes by path, answering 404 for anything else. */
export function routeByPath(routes: Record<string, ApiHandler>): ApiHandler {
  return async (event, context) => {
    const route = routes[event.rawPath];
    if (!route) return errorResponse('NOT_FOUND', 'No such endpoint.', context.awsRequestId);
    return route(event, context);
  };
}

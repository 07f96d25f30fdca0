import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { ORIGIN_HEADER } from '#config/edge.ts';
import { type FunctionName, methodOf, type PathOf } from '#config/routes.ts';
import { type ErrorCode, isDomainError } from '#domain/errors.ts';
import type { Outcome } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import type { ServiceLogger } from '#ports/logger.ts';
import { callerOf } from './client-ip.ts';
import { errorOf, errorResponse, methodNotAllowed } from './error-response.ts';
import { header, jsonResponse, methodAccepted, parseJsonRequest } from './messages.ts';

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
) => Promise<APIGatewayProxyResultV2>;

type Result = Exclude<APIGatewayProxyResultV2, string>;

/** A response and the error code it carries, so the request's log line never re-reads a body. */
export interface Answer {
  response: APIGatewayProxyResultV2;
  code?: ErrorCode | undefined;
}

/**
 * One route, each direction translated once: `read` turns the request into the service's input
 * (a zod schema's output, or a verified webhook), `serve` is one service function, `write` turns
 * its result into the wire body; it sees the input too, for what the answer echoes of the request
 * but the service never needs (a lease's `nonce`). A refusal the service returns becomes our
 * error body. `headers` are added to a success (a public document's `cache-control`).
 */
export interface Route<Input, Value> {
  read(event: APIGatewayProxyEventV2): Input | Promise<Input>;
  serve(input: Input): Promise<Outcome<Value>>;
  write(value: Value, input: Input): unknown;
  headers?: Readonly<Record<string, string>>;
}

/**
 * A route whose request is a JSON body checked by `schema` (POST, media type, size: messages.ts),
 * handed to the service with its caller (`callerOf`: the client IP the rate limits count).
 */
export function jsonRoute<S extends z.ZodType<object>, Value>(
  schema: S,
  serve: (input: z.infer<S> & FromCaller) => Promise<Outcome<Value>>,
  write: (value: Value, input: z.infer<S> & FromCaller) => unknown,
): Route<z.infer<S> & FromCaller, Value> {
  return {
    read: (event) => ({ ...parseJsonRequest(event, schema), caller: callerOf(event) }),
    serve,
    write,
  };
}

/**
 * Runs one route for one request (every route of every function goes through here). The method
 * the path takes comes from `config/routes.ts` (POST, or GET for the public documents).
 */
export function runRoute<Input, Value>(
  logger: ServiceLogger,
  route: Route<Input, Value>,
): ApiHandler {
  return (event, context) =>
    respond(logger, event, context, async () => {
      const method = methodOf(event.rawPath);
      if (!methodAccepted(event, method)) {
        const response = methodNotAllowed(method, context.awsRequestId);
        return { response, code: 'METHOD_NOT_ALLOWED' };
      }
      const input = await route.read(event);
      const outcome = await route.serve(input);
      if (outcome.ok) {
        const body = await route.write(outcome.value, input);
        return { response: jsonResponse(200, body, route.headers) };
      }
      return {
        response: errorResponse(
          outcome.code,
          outcome.detail,
          context.awsRequestId,
          outcome.retry,
          outcome.limit,
        ),
        code: outcome.code,
      };
    });
}

/**
 * Runs one request's work and turns any throw into our error body. Logs a single line per
 * request with its status and code (never the body); 5xx and unknown throws also log the error.
 */
export async function respond(
  logger: ServiceLogger,
  event: APIGatewayProxyEventV2,
  context: Pick<Context, 'awsRequestId'>,
  work: () => Promise<Answer>,
): Promise<APIGatewayProxyResultV2> {
  const started = performance.now();
  const requestId = context.awsRequestId;
  let answer: Answer;
  try {
    answer = await work();
  } catch (error) {
    const { code, message, retry, limit } = errorOf(error);
    answer = { response: errorResponse(code, message, requestId, retry, limit), code };
    if (!isDomainError(error) || statusOf(answer) >= 500) {
      logger.error('request failed', { requestId, error: describe(error) });
    }
  }
  logger.info('request', {
    requestId,
    route: event.rawPath,
    status: statusOf(answer),
    code: answer.code,
    durationMs: Math.round(performance.now() - started),
  });
  return answer.response;
}

function statusOf(answer: Answer): number {
  return (answer.response as Result).statusCode ?? 200;
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

/**
 * Builds a route's handler on the route's first request, typically importing the route's module
 * then (`() => import(…)`): a cold function evaluates the schemas, services and adapters of the
 * route it serves first, not those of its other routes. A failed build is not kept.
 */
export type RouteLoader = () => Promise<ApiHandler>;

/**
 * The routes of function `name`, by path, each loaded on its first request. The paths are those
 * `config/routes.ts` gives the function (the compiler holds the handler to exactly those);
 * anything else is answered 404.
 */
export function serveRoutes<F extends FunctionName>(
  _name: F,
  routes: Readonly<Record<PathOf<F>, RouteLoader>>,
): ApiHandler {
  const byPath: ReadonlyMap<string, ApiHandler> = new Map(
    Object.entries<RouteLoader>(routes).map(([path, load]) => [path, loadedOnce(load)]),
  );
  return async (event, context) => {
    const route = byPath.get(event.rawPath);
    if (!route) return errorResponse('NOT_FOUND', 'No such endpoint.', context.awsRequestId);
    return route(event, context);
  };
}

function loadedOnce(load: RouteLoader): ApiHandler {
  let loading: Promise<ApiHandler> | undefined;
  return async (event, context) => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return (await loading)(event, context);
  };
}

/**
 * Refuses requests that did not come through CloudFront: function URLs are public (CloudFront's
 * origin access control would need clients to sign POST bodies, which shipped clients and
 * LemonSqueezy don't), so CloudFront adds a shared secret header and the function checks it.
 * Without a configured secret (local server, tests) every request passes.
 */
export function guardOrigin(handler: ApiHandler, secrets: ConfiguredSecrets): ApiHandler {
  if (!secrets.has('originSecret')) return handler;
  return async (event, context) => {
    let secret: string;
    try {
      secret = await secrets.get('originSecret');
    } catch (error) {
      const { code, message } = errorOf(error);
      return errorResponse(code, message, context.awsRequestId);
    }
    const expected = digest(secret);
    const given = digest(header(event, ORIGIN_HEADER) ?? '');
    if (!timingSafeEqual(given, expected)) {
      return errorResponse(
        'FORBIDDEN',
        'Call this API through its public address.',
        context.awsRequestId,
      );
    }
    return handler(event, context);
  };
}

/** Fixed-length digests, so the comparison takes the same time whatever the header's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

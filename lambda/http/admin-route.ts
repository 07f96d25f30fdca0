import type { z } from 'zod';
import type { AdminPath } from '#config/admin.ts';
import type { Outcome } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import type { AdminAuth } from '#lambda/admin-config.ts';
import type { FromActor } from '#services/admin/admin-deps.ts';
import { actorOf } from './admin-auth.ts';
import { callerOf } from './client-ip.ts';
import { errorResponse } from './error-response.ts';
import { parseJsonRequest } from './messages.ts';
import type { ApiHandler, Route } from './run-route.ts';

type AdminInput<S extends z.ZodType<object>> = z.infer<S> & FromCaller & FromActor;

/**
 * An admin command: a JSON body checked by `schema`, handed to one service function with the
 * authenticated actor (for the audit trail) and the caller. `guardAdmin` has refused anyone
 * without an actor before this runs.
 */
export function adminRoute<S extends z.ZodType<object>, Value>(
  schema: S,
  auth: AdminAuth,
  serve: (input: AdminInput<S>) => Promise<Outcome<Value>>,
  write: (value: Value) => unknown = (value) => value,
): Route<AdminInput<S>, Value> {
  return {
    read: (event) => ({
      ...parseJsonRequest(event, schema),
      caller: callerOf(event),
      actor: actorOf(event, auth) ?? 'unknown',
    }),
    serve,
    write,
  };
}

/** The admin commands by path (`config/admin.ts`); any other path is answered 404. */
export function serveAdminPaths(routes: Readonly<Record<AdminPath, ApiHandler>>): ApiHandler {
  const byPath: ReadonlyMap<string, ApiHandler> = new Map(Object.entries(routes));
  return async (event, context) => {
    const route = byPath.get(event.rawPath);
    if (!route) return errorResponse('NOT_FOUND', 'No such admin command.', context.awsRequestId);
    return route(event, context);
  };
}

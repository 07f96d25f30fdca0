import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { AdminAuth } from '#lambda/admin-config.ts';
import type { ServiceLogger } from '#ports/logger.ts';
import { errorResponse } from './error-response.ts';
import { header } from './messages.ts';
import { type ApiHandler, respond } from './run-route.ts';

/** The actor audit records name for a caller of the local server's admin token. */
export const LOCAL_TOKEN_ACTOR = 'local-token';

/**
 * Who is calling, or undefined when the caller is not authenticated:
 * - `iam`: the function URL (auth type AWS_IAM) has verified the SigV4 signature and the
 *   caller's `lambda:InvokeFunctionUrl` permission before invoking us, and passes the principal
 *   in `requestContext.authorizer.iam.userArn` (payload format 2.0). An event without one did
 *   not come through such a URL: refused (defence in depth, e.g. a URL switched to NONE).
 * - `token`: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 */
export function actorOf(event: APIGatewayProxyEventV2, auth: AdminAuth): string | undefined {
  if (auth.mode === 'iam') {
    const context = event.requestContext as { authorizer?: { iam?: { userArn?: unknown } } };
    const arn = context.authorizer?.iam?.userArn;
    return typeof arn === 'string' && arn.startsWith('arn:') ? arn : undefined;
  }
  const given = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(auth.token)) ? LOCAL_TOKEN_ACTOR : undefined;
}

/**
 * Refuses unauthenticated admin requests before anything is parsed: 401 `UNAUTHENTICATED`
 * without a valid token (local), 403 `FORBIDDEN` without an IAM principal (AWS).
 */
export function guardAdmin(
  handler: ApiHandler,
  auth: AdminAuth,
  logger: ServiceLogger,
): ApiHandler {
  return async (event, context) => {
    if (actorOf(event, auth) !== undefined) return handler(event, context);
    return respond(logger, event, context, async () => {
      const code = auth.mode === 'iam' ? 'FORBIDDEN' : 'UNAUTHENTICATED';
      const message =
        auth.mode === 'iam'
          ? 'Sign the request with AWS credentials allowed to invoke the admin function URL.'
          : 'Send the admin token as a bearer token.';
      return { response: errorResponse(code, message, context.awsRequestId), code };
    });
  };
}

/** Fixed-length digests, so the comparison takes the same time whatever the token's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

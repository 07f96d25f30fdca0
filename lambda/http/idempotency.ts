import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type {
  DynamoDbIdempotencyStore,
  IdempotencyRecord,
  IdempotencyRef,
  StoredResponse,
} from '#adapters/dynamodb/idempotency-store.ts';
import { InvalidRequestError } from '#domain/errors.ts';
import type { Clock } from '#ports/clock.ts';
import type { ServiceLogger } from '#ports/logger.ts';
import type { ServicePolicy } from '#services/service-policy.ts';
import { errorResponse } from './error-response.ts';
import { type CallerOf, callerHashOf } from './idempotency-scope.ts';
import { header, rawBody } from './messages.ts';
import { type Answer, type ApiHandler, type Route, respond, runRoute } from './run-route.ts';

/** How long an answer is replayed for its key (Stripe's window, the IETF draft's example). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const REPLAYED_HEADER = 'idempotent-replayed';

/** 1 to 255 printable ASCII characters (Stripe's limit); not blank. */
const VALID_KEY = /^(?! *$)[\x20-\x7e]{1,255}$/;

export interface IdempotencyDeps {
  idempotency: DynamoDbIdempotencyStore;
  clock: Clock;
  /** A claim older than the activation lease may be taken over: its holder died. */
  policy: Pick<ServicePolicy, 'activationLeaseMs'>;
  logger: ServiceLogger;
}

interface Claimed extends IdempotencyRef {
  claimId: string;
}

type Claim<Input> =
  | { claimed: true; ref: Claimed; input: Input }
  | { claimed: false; ref: Claimed; held: IdempotencyRecord };

/**
 * `Idempotency-Key` (IETF httpapi draft, Stripe's convention) for one route. Without the header
 * the route runs as before. With it, the body is read first: a request refused as malformed
 * (400, 413, 415) is answered with nothing written and its key stays free. Then the key is
 * claimed for this route and this caller (`callerOf`: the license, or the trial's device and
 * email), so only a request of the same caller can meet it. The first request runs and its answer
 * is kept 24 h; a retry with the same key and body gets that answer again
 * (`idempotent-replayed: true`) without running anything, the same key and caller with another
 * body 422, and a retry while the first is still running 409. 2xx and the service's 4xx answers
 * are kept (a refusal is the answer to that request); 5xx and 429 answers are not: the claim is
 * released so a retry runs the request again.
 */
export function withIdempotency<Input, Value>(
  deps: IdempotencyDeps,
  route: Route<Input, Value>,
  callerOf: CallerOf<Input>,
): ApiHandler {
  const unkeyed = runRoute(deps.logger, route);
  return async (event, context) => {
    const key = header(event, 'idempotency-key');
    const method = event.requestContext?.http?.method;
    // Only POST has something to repeat; any other method gets the route's own 405.
    if (key === undefined || (method && method !== 'POST')) return unkeyed(event, context);
    let claim: Claim<Input>;
    try {
      claim = await claimKey(deps, route, callerOf, event, key);
    } catch (error) {
      return respond(deps.logger, event, context, () => Promise.reject(error));
    }
    if (claim.claimed) {
      // The body was read once, to name its caller: the route serves that reading.
      const { input } = claim;
      const keyed = runRoute(deps.logger, { ...route, read: () => input });
      return runClaimed(deps, keyed, claim.ref, event, context);
    }
    const { held, ref } = claim;
    // A short hash prefix is all the log ever gets of a key; never the stored body.
    deps.logger.info('idempotency key held', {
      requestId: context.awsRequestId,
      key: ref.keyHash.slice(0, 8),
      state: held.state,
    });
    return respond(deps.logger, event, context, async () =>
      answerHeld(held, fingerprintOf(event), context.awsRequestId),
    );
  };
}

/** The answer for a key someone else holds: 422 for another body, 409 in flight, else the replay. */
function answerHeld(held: IdempotencyRecord, fingerprint: string, requestId: string): Answer {
  if (held.fingerprint !== fingerprint) {
    const code = 'IDEMPOTENCY_KEY_REUSED';
    const message = 'This Idempotency-Key was used for a different request body.';
    return { response: errorResponse(code, message, requestId), code };
  }
  if (held.state === 'processing') {
    const code = 'IDEMPOTENCY_IN_PROGRESS';
    const message = 'A request with this Idempotency-Key is still running; retry shortly.';
    return { response: errorResponse(code, message, requestId), code };
  }
  // The first answer's own line logged its code; a replay only says it is one.
  return { response: replay(held.response) };
}

/**
 * Checks the key and reads the body (either may throw a 4xx: nothing is written), then claims the
 * key for this route and caller with one conditional write.
 */
async function claimKey<Input>(
  deps: IdempotencyDeps,
  route: Route<Input, unknown>,
  callerOf: CallerOf<Input>,
  event: APIGatewayProxyEventV2,
  key: string,
): Promise<Claim<Input>> {
  if (!VALID_KEY.test(key)) {
    throw new InvalidRequestError(
      "Header 'Idempotency-Key' must be 1 to 255 printable ASCII characters.",
    );
  }
  const input = await route.read(event);
  const now = deps.clock.now();
  const ref: Claimed = {
    // serveRoutes dispatched on rawPath, so this is the route: keys are scoped per route.
    route: event.rawPath,
    callerHash: callerHashOf(callerOf(input)),
    // The key itself is never stored or logged: a client may well derive it from a secret.
    keyHash: keyHashOf(key),
    claimId: randomUUID(),
  };
  const result = await deps.idempotency.claim({
    ...ref,
    fingerprint: fingerprintOf(event),
    now,
    staleBefore: new Date(now.getTime() - deps.policy.activationLeaseMs),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_WINDOW_MS),
  });
  return result === 'claimed'
    ? { claimed: true, ref, input }
    : { claimed: false, ref, held: result };
}

/** Runs the route for a claimed key, then keeps its answer (2xx/4xx) or gives the key back (5xx). */
async function runClaimed(
  deps: IdempotencyDeps,
  route: ApiHandler,
  claim: Claimed,
  event: APIGatewayProxyEventV2,
  context: Parameters<ApiHandler>[1],
): Promise<APIGatewayProxyResultV2> {
  let response: StoredResponse;
  try {
    response = toStored(await route(event, context));
  } catch (error) {
    await deps.idempotency.release(claim, claim.claimId).catch(() => undefined);
    throw error;
  }
  try {
    if (!isKept(response.statusCode)) {
      await deps.idempotency.release(claim, claim.claimId);
    } else {
      const expiresAt = new Date(deps.clock.now().getTime() + IDEMPOTENCY_WINDOW_MS);
      await deps.idempotency.complete(claim, claim.claimId, response, expiresAt);
    }
  } catch (error) {
    // The work is done and this is its answer: the client gets it even if it could not be
    // kept. The claim is given back if it can be (else it lapses after the lease), so a retry
    // runs the request again at once: the routes recognise their own work (a device already
    // active, a trial recovered), so that repeats no side effect.
    await deps.idempotency.release(claim, claim.claimId).catch(() => undefined);
    deps.logger.warn('idempotency record not updated', {
      requestId: context.awsRequestId,
      key: claim.keyHash.slice(0, 8),
      error: error instanceof Error ? error.name : typeof error,
    });
  }
  return response;
}

/**
 * Which answers are the answer to their request, replayed for the key's lifetime: 2xx and 4xx but
 * 429. A 429 says "retry after this many seconds" (a rate limit, the device-change limit), and
 * nothing was spent: replaying it for 24 h would outlast its own Retry-After. 5xx are failures.
 */
function isKept(statusCode: number): boolean {
  return statusCode < 500 && statusCode !== 429;
}

/** Status, headers and body exactly as first sent; the body is never logged (it holds keys). */
function replay(stored: StoredResponse): APIGatewayProxyResultV2 {
  return {
    statusCode: stored.statusCode,
    headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' },
    body: stored.body,
    isBase64Encoded: stored.isBase64Encoded,
  };
}

function toStored(result: APIGatewayProxyResultV2): StoredResponse {
  if (typeof result === 'string') {
    return { statusCode: 200, headers: {}, body: result, isBase64Encoded: false };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  return {
    statusCode: result.statusCode ?? 200,
    headers,
    body: result.body ?? '',
    isBase64Encoded: result.isBase64Encoded ?? false,
  };
}

/** What a retry must repeat: the route and the exact body bytes. */
export function fingerprintOf(event: APIGatewayProxyEventV2): string {
  return createHash('sha256')
    .update(event.rawPath)
    .update('\0')
    .update(rawBody(event))
    .digest('hex');
}

/** The only form a key is kept in (and its first 8 characters the only form it is logged in). */
export function keyHashOf(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

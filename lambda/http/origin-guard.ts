import { createHash, timingSafeEqual } from 'node:crypto';
import { ORIGIN_HEADER } from '#config/edge.ts';
import type { Secrets } from '#ports/secrets.ts';
import { errorFromThrown, errorResponse } from './error-response.ts';
import { header } from './request.ts';
import type { ApiHandler } from './run-route.ts';

export { ORIGIN_HEADER };

/**
 * Refuses requests that did not come through CloudFront: function URLs are public (CloudFront's
 * origin access control would need clients to sign POST bodies, which shipped clients and
 * LemonSqueezy don't), so CloudFront adds a shared secret header and the function checks it.
 * Without a configured secret (local server, tests) every request passes.
 */
export function guardOrigin(handler: ApiHandler, secrets: Secrets): ApiHandler {
  if (!secrets.has('originSecret')) return handler;
  return async (event, context) => {
    let secret: string;
    try {
      secret = await secrets.get('originSecret');
    } catch (error) {
      return errorFromThrown(error, context.awsRequestId);
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

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { errorFromThrown } from '#http/error-response.ts';
import { requirePost } from '#http/messages.ts';
import { loadEdgeFunction } from '#lambda/edge/edge-function.ts';
import { apiEvent } from '#local/api-event.ts';

const guard = loadEdgeFunction();

/** What the Lambda functions themselves answer to `method` (their own POST check). */
function functionAnswer(method: string, requestId: string): APIGatewayProxyStructuredResultV2 {
  try {
    requirePost(apiEvent({ path: '/v1/validate', method }));
  } catch (error) {
    return errorFromThrown(error, requestId) as APIGatewayProxyStructuredResultV2;
  }
  throw new Error(`${method} was accepted`);
}

describe('method guard (CloudFront Function)', () => {
  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'])(
    'answers %s at the edge exactly as the functions would',
    (method) => {
      // Act
      const answer = guard({ method, uri: '/v1/validate' }, 'edge-request-1');
      const expected = functionAnswer(method, 'edge-request-1');

      // Assess
      expect(answer?.statusCode).toBe(405);
      expect(answer?.statusCode).toBe(expected.statusCode);
      const headers = Object.fromEntries(
        Object.entries(answer?.headers ?? {}).map(([name, { value }]) => [name, value]),
      );
      expect(headers).toEqual(expected.headers);
      expect(JSON.parse(answer?.body?.data ?? '')).toEqual(JSON.parse(String(expected.body)));
    },
  );

  it.each(['POST', 'OPTIONS'])('lets %s through to the origin', (method) => {
    // Act
    const answer = guard({ method, uri: '/v1/activate' }, 'edge-request-2');

    // Assess
    expect(answer).toBeUndefined();
  });
});

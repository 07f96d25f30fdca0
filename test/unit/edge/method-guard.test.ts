import { readFileSync } from 'node:fs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { errorFromThrown } from '#http/error-response.ts';
import { requirePost } from '#http/messages.ts';
import { loadEdgeFunction } from '#lambda/edge/edge-function.ts';
import { METHOD_GUARD_PATH, methodGuardCode } from '#lambda/edge/method-guard-code.ts';
import { apiEvent } from '#local/api-event.ts';

/** The guard as the default deployment (no CORS origins) runs it: the committed file. */
const guard = loadEdgeFunction(readFileSync(METHOD_GUARD_PATH, 'utf8'));
/** The guard of a deployment that lists CORS origins. */
const corsGuard = loadEdgeFunction(methodGuardCode({ passPreflights: true }));

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
  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
    'answers %s at the edge exactly as the functions would, without CORS (the default)',
    async (method) => {
      // Act
      const answer = await guard({ method, uri: '/v1/validate' }, 'edge-request-1');
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

  it('lets POST through to the origin, with CORS or without', async () => {
    // Act
    const answers = await Promise.all(
      [guard, corsGuard].map((run) =>
        run({ method: 'POST', uri: '/v1/activate' }, 'edge-request-2'),
      ),
    );

    // Assess
    expect(answers).toEqual([undefined, undefined]);
  });

  it("lets OPTIONS through to the function URL's CORS answer when origins are listed", async () => {
    // Act
    const answer = await corsGuard({ method: 'OPTIONS', uri: '/v1/trial' }, 'edge-request-3');

    // Assess
    expect(answer).toBeUndefined();
  });

  it.each(['GET', 'PUT', 'DELETE'])(
    'still answers %s 405 at the edge with CORS on',
    async (method) => {
      // Act
      const answer = await corsGuard({ method, uri: '/v1/trial' }, 'edge-request-4');

      // Assess
      expect([answer?.statusCode, answer?.headers.allow?.value]).toEqual([405, 'POST']);
    },
  );

  it('differs from the committed file by its one switch only', () => {
    // Prepare
    const committed = readFileSync(METHOD_GUARD_PATH, 'utf8');

    // Act
    const off = methodGuardCode({ passPreflights: false });
    const on = methodGuardCode({ passPreflights: true });

    // Assess
    expect(off).toBe(committed);
    expect(on).toBe(
      committed.replace('var PASS_PREFLIGHTS = false;', 'var PASS_PREFLIGHTS = true;'),
    );
    expect(on).not.toBe(committed);
  });
});

import { describe, expect, it } from 'vitest';
import { methodOf, ROUTE_PATHS, ROUTES } from '#config/routes.ts';
import { createActivateHandler } from '#handlers/activate.ts';
import { createValidateHandler } from '#handlers/validate.ts';
import { createWebhookHandler } from '#handlers/webhook.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { apiEvent } from '#local/api-event.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** What a path takes, as its `allow` header names it. */
const allowOf = (path: string) => (methodOf(path) === 'GET' ? 'GET, HEAD' : 'POST');

describe('405 answers name what the path allows', () => {
  const stack = useTestStack();

  it.each(ROUTE_PATHS)(
    'every 405 on %s, at the edge or from its function, carries allow',
    async (path) => {
      // Prepare
      const handlers: Record<string, ApiHandler> = {
        activate: createActivateHandler(stack.deps),
        validate: createValidateHandler(stack.deps),
        webhook: createWebhookHandler(stack.deps),
      };
      const handler = handlers[ROUTES[path]] as ApiHandler;

      // Act: through the local server (the edge's method guard first) and straight into the function.
      const served = await Promise.all(
        METHODS.map(async (method) => {
          const response = await fetch(`${stack.url}${path}`, { method });
          await response.arrayBuffer();
          return { method, status: response.status, allow: response.headers.get('allow') };
        }),
      );
      const direct = await Promise.all(
        METHODS.map(async (method) => {
          const result = await handler(apiEvent({ path, method }), { awsRequestId: 'r' });
          const { statusCode, headers } = result as {
            statusCode: number;
            headers: Record<string, string>;
          };
          return { method, status: statusCode, allow: headers.allow ?? null };
        }),
      );

      // Assess: the methods the path does not take are 405, each with the same allow.
      for (const answers of [served, direct]) {
        const refused = answers.filter((answer) => answer.status === 405);
        const taken = methodOf(path) === 'GET' ? ['GET', 'HEAD'] : ['POST'];
        expect(refused.map((answer) => answer.method).sort()).toEqual(
          METHODS.filter((method) => !taken.includes(method)).sort(),
        );
        for (const answer of refused) expect(answer.allow, answer.method).toBe(allowOf(path));
      }
    },
  );
});

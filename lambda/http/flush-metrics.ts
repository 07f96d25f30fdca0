import type { ApiHandler } from './run-route.ts';

/**
 * `handler` with the invocation's metrics published when it ends, whatever its outcome, and
 * before the answer leaves: Lambda may freeze the process right after, so nothing recorded may
 * wait for a later invocation.
 */
export function flushingMetrics(handler: ApiHandler, metrics: { flush(): void }): ApiHandler {
  return async (event, context) => {
    try {
      return await handler(event, context);
    } finally {
      metrics.flush();
    }
  };
}

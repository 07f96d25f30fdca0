import { flushingMetrics } from '#http/flush-metrics.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { guardOrigin } from '#http/run-route.ts';
import { loadConfig } from '#lambda/config.ts';
import { type AppDeps, createDeps } from '#lambda/deps.ts';

let deps: AppDeps | undefined;

/** Dependencies built on the first request of a cold start and kept for the warm ones. */
export function lambdaDeps(): AppDeps {
  deps ??= createDeps(loadConfig());
  return deps;
}

/**
 * A function's Lambda entry point: its routes, built with the dependencies on the first request
 * of a cold start (a bad configuration fails that request, not the module import), behind the
 * origin guard. The invocation's metrics are published as it ends.
 */
export function lambdaEntry(build: (deps: AppDeps) => ApiHandler): ApiHandler {
  let built: ApiHandler | undefined;
  return (event, context) => {
    const { secrets, metrics } = lambdaDeps();
    built ??= flushingMetrics(guardOrigin(build(lambdaDeps()), secrets), metrics);
    return built(event, context);
  };
}

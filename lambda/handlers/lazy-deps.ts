import { flushingMetrics } from '#http/flush-metrics.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { guardOrigin } from '#http/run-route.ts';
import { type AppDeps, createDeps } from '#lambda/deps.ts';

let deps: Promise<AppDeps> | undefined;

/**
 * Dependencies built on the first request of a cold start and kept for the warm ones. The
 * configuration and the adapters are imported then too: evaluating them (the environment's zod
 * schema, the SDK clients) is work for the first request, not for the module import, which
 * stays as light as the floor bundle's (bench/bundles.ts). A failure is not kept: the next
 * request tries again.
 */
export function lambdaDeps(): Promise<AppDeps> {
  deps ??= loadDeps().catch((error: unknown) => {
    deps = undefined;
    throw error;
  });
  return deps;
}

async function loadDeps(): Promise<AppDeps> {
  const { loadConfig } = await import('#lambda/config.ts');
  return createDeps(loadConfig());
}

/**
 * A function's Lambda entry point: its routes, built with the dependencies on the first request
 * of a cold start (a bad configuration fails that request, not the module import), behind the
 * origin guard. The invocation's metrics are published as it ends.
 */
export function lambdaEntry(build: (deps: AppDeps) => ApiHandler): ApiHandler {
  let built: ApiHandler | undefined;
  return async (event, context) => {
    const deps = await lambdaDeps();
    built ??= flushingMetrics(guardOrigin(build(deps), deps.secrets), deps.metrics);
    return built(event, context);
  };
}

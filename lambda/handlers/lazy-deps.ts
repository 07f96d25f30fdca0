import { loadConfig } from '#lambda/config.ts';
import { type AppDeps, createDeps } from '#lambda/deps.ts';

let deps: AppDeps | undefined;

/** Dependencies built on the first request of a cold start and kept for the warm ones. */
export function lambdaDeps(): AppDeps {
  deps ??= createDeps(loadConfig());
  return deps;
}

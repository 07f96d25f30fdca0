import * as z from 'zod';
import { BUILD_ENV, type BuildInfo } from '#config/build-info.ts';
import type { HealthResponse } from '#schemas/health.ts';
import type { Route } from './run-route.ts';

const buildSchema = z.object({
  [BUILD_ENV.version]: z.string().min(1).default('unknown'),
  [BUILD_ENV.commit]: z.string().min(1).default('unknown'),
});

/**
 * The build the CDK app wrote into the function's environment (`config/build-info.ts`); a
 * function started without it (a hand-made deployment) says `unknown` rather than failing.
 */
export function buildFromEnv(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  const parsed = buildSchema.parse(env);
  return { version: parsed[BUILD_ENV.version], commit: parsed[BUILD_ENV.commit] };
}

/**
 * `GET /health`: answers from memory, with no upstream and no table call. A probe reaching it
 * has already passed CloudFront, the origin secret check and a (possibly cold) start; the table
 * and the upstreams are watched by the alarms on real requests' errors, and a read per probe
 * would cost money to report what those alarms already report. Never cached (`no-store`): a
 * cached "ok" would hide an outage from the probe.
 */
export function healthRoute(build: BuildInfo): Route<undefined, HealthResponse> {
  const body: HealthResponse = { status: 'ok', version: build.version, commit: build.commit };
  return {
    read: () => undefined,
    serve: async () => ({ ok: true, value: body }),
    write: (value) => value,
    headers: { 'cache-control': 'no-store' },
  };
}

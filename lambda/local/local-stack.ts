import { randomBytes } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '#adapters/dynamodb/table-definition.ts';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { readBuildInfo } from '#config/build-info.ts';
import { parseCorsOrigins } from '#config/deploy-settings.ts';
import { createActivateHandler } from '#handlers/activate.ts';
import { createAdminHandler } from '#handlers/admin.ts';
import { createValidateHandler } from '#handlers/validate.ts';
import { createWebhookHandler } from '#handlers/webhook.ts';
import { flushingMetrics } from '#http/flush-metrics.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { loadAdminConfig } from '#lambda/admin-config.ts';
import { loadConfig } from '#lambda/config.ts';
import { type AppDeps, createDeps } from '#lambda/deps.ts';
import type { Clock } from '#ports/clock.ts';
import { LemonSqueezyDouble } from './sandbox/lemonsqueezy-double.ts';
import { OpenRouterDouble } from './sandbox/openrouter-double.ts';
import { startLocalServer } from './server.ts';

/** Credentials the sandbox upstreams accept; they guard nothing real. */
export const SANDBOX_SECRETS = {
  LEMONSQUEEZY_API_KEY: 'sandbox-lemonsqueezy-api-key',
  OPENROUTER_API_KEY: 'sandbox-openrouter-management-key',
  WEBHOOK_SECRET: 'sandbox-webhook-secret',
} as const;

export interface LocalStackOptions {
  dynamoDbEndpoint: string;
  tableName: string;
  port?: number;
  host?: string;
  /** Extra environment (e.g. real upstream base URLs and keys, TTLs); wins over the defaults. */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  logger?: Logger;
}

export interface LocalStack {
  url: string;
  /** The bearer token the admin API under /admin/ takes (`ADMIN_TOKEN`, else made at start). */
  adminToken: string;
  deps: AppDeps;
  /** Present unless LEMONSQUEEZY_BASE_URL points elsewhere. */
  lemonSqueezy?: LemonSqueezyDouble;
  /** Present unless OPENROUTER_BASE_URL points elsewhere. */
  openRouter?: OpenRouterDouble;
  close(): Promise<void>;
}

/**
 * The whole service on one machine: the table on DynamoDB Local, sandbox LemonSqueezy and
 * OpenRouter servers (unless real base URLs are configured) and the Lambda handlers behind a
 * local HTTP server. `pnpm start` and the integration tests both run it.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const env = options.env ?? {};
  const now = () => (options.clock ?? { now: () => new Date() }).now();
  const lemonSqueezy = env.LEMONSQUEEZY_BASE_URL
    ? undefined
    : await LemonSqueezyDouble.start({ apiKey: SANDBOX_SECRETS.LEMONSQUEEZY_API_KEY, now });
  const openRouter = env.OPENROUTER_BASE_URL
    ? undefined
    : await OpenRouterDouble.start({ managementKey: SANDBOX_SECRETS.OPENROUTER_API_KEY, now });
  const config = loadConfig({
    AWS_REGION: 'us-east-1',
    ...(lemonSqueezy
      ? {
          LEMONSQUEEZY_BASE_URL: lemonSqueezy.url,
          LEMONSQUEEZY_API_KEY: SANDBOX_SECRETS.LEMONSQUEEZY_API_KEY,
        }
      : {}),
    ...(openRouter
      ? {
          OPENROUTER_BASE_URL: openRouter.url,
          OPENROUTER_API_KEY: SANDBOX_SECRETS.OPENROUTER_API_KEY,
        }
      : {}),
    WEBHOOK_SECRET: SANDBOX_SECRETS.WEBHOOK_SECRET,
    // DynamoDB Local is a JVM sharing this machine: before its JIT warms up, or under the tests'
    // 50 parallel requests on two cores, an answer can take ~2 s, and AWS's 2 s limit would
    // time out (and retry) writes that went through.
    DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
    // A lease signing key made for this run (in memory), unless one is given.
    ...(env.SIGNING_KEY || env.SIGNING_KEY_PARAM
      ? {}
      : { SIGNING_KEY: serializeKeySet(rotateKeySet(undefined, now())) }),
    ...env,
    TABLE_NAME: options.tableName,
    DYNAMODB_ENDPOINT: options.dynamoDbEndpoint,
  });
  const client = new DynamoDBClient({
    region: config.region,
    endpoint: options.dynamoDbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, options.tableName);
  client.destroy();

  const deps = createDeps(config, { clock: options.clock, logger: options.logger });
  // No IAM in front of the local server: the admin API takes a bearer token instead.
  const adminToken = env.ADMIN_TOKEN || randomBytes(32).toString('hex');
  const adminConfig = loadAdminConfig({ ...env, ADMIN_AUTH: 'token', ADMIN_TOKEN: adminToken });
  // As lambdaEntry does, each request's metrics are published when it ends; one process serves
  // every function here, so they all carry the configured `service` (`ravn-local`).
  const metered = (handler: ApiHandler) => flushingMetrics(handler, deps.metrics);
  const server = await startLocalServer(
    {
      activate: metered(createActivateHandler(deps)),
      // The build of this checkout, as the CDK app writes it into the functions' environment.
      validate: metered(createValidateHandler(deps, readBuildInfo())),
      webhook: metered(createWebhookHandler(deps)),
    },
    {
      port: options.port,
      host: options.host,
      admin: createAdminHandler(deps, adminConfig),
      // The deploy setting corsOrigins, as CORS_ORIGINS: no CORS unless origins are listed.
      corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
    },
  );
  return {
    url: server.url,
    adminToken,
    deps,
    lemonSqueezy,
    openRouter,
    close: async () => {
      await server.close();
      await Promise.all([lemonSqueezy?.close(), openRouter?.close()]);
    },
  };
}

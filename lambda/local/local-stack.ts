import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '#adapters/dynamodb/table-definition.ts';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { createActivateHandler } from '#handlers/activate.ts';
import { createValidateHandler } from '#handlers/validate.ts';
import { createWebhookHandler } from '#handlers/webhook.ts';
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
  const server = await startLocalServer(
    {
      activate: createActivateHandler(deps),
      validate: createValidateHandler(deps),
      webhook: createWebhookHandler(deps),
    },
    { port: options.port, host: options.host },
  );
  return {
    url: server.url,
    deps,
    lemonSqueezy,
    openRouter,
    close: async () => {
      await server.close();
      await Promise.all([lemonSqueezy?.close(), openRouter?.close()]);
    },
  };
}

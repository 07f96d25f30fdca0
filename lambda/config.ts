import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { SecretName } from '#adapters/ssm/secrets.ts';

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

const seconds = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/**
 * Runtime configuration, from environment variables, checked when a function starts: a missing
 * or malformed variable fails the cold start with its name rather than a request later.
 * Secrets come either as SSM parameter *names* (AWS) or as values (local server, tests).
 */
const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  // Names this deployment's OpenRouter keys (I6); defaults to a digest of TABLE_NAME.
  DEPLOYMENT_ID: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes, at most 40')
    .optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  LEMONSQUEEZY_BASE_URL: z.url().default('https://api.lemonsqueezy.com'),
  OPENROUTER_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  STATUS_TTL_SECONDS: seconds(24 * 3600),
  STATUS_GRACE_SECONDS: seconds(72 * 3600),
  USAGE_TTL_SECONDS: seconds(60),
  ACTIVATION_LEASE_SECONDS: seconds(30),
  ACTIVATION_WAIT_SECONDS: seconds(10),
  ALLOW_TEST_MODE: flag,
  SECRETS_CACHE_SECONDS: seconds(300),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('INFO'),
  LEMONSQUEEZY_API_KEY_PARAM: z.string().min(1).optional(),
  OPENROUTER_API_KEY_PARAM: z.string().min(1).optional(),
  WEBHOOK_SECRET_PARAM: z.string().min(1).optional(),
  LEMONSQUEEZY_API_KEY: z.string().min(1).optional(),
  OPENROUTER_API_KEY: z.string().min(1).optional(),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  // The shared secret CloudFront adds to every origin request (Secrets Manager ARN in AWS).
  ORIGIN_SECRET_ARN: z.string().min(1).optional(),
  ORIGIN_SECRET: z.string().min(1).optional(),
  // The lease signing key set (lambda/adapters/signing/key-set.ts): activate and validate only.
  SIGNING_KEY_PARAM: z.string().min(1).optional(),
  SIGNING_KEY: z.string().min(1).optional(),
});

const SECRET_VARIABLES = [
  ['LEMONSQUEEZY_API_KEY_PARAM', 'LEMONSQUEEZY_API_KEY'],
  ['OPENROUTER_API_KEY_PARAM', 'OPENROUTER_API_KEY'],
  ['WEBHOOK_SECRET_PARAM', 'WEBHOOK_SECRET'],
] as const;

export type SecretSource = { ssmName: string } | { secretArn: string } | { value: string };
export type SecretsConfig = Record<
  Exclude<SecretName, 'originSecret' | 'signingKey'>,
  SecretSource
> & {
  originSecret?: SecretSource;
  signingKey?: SecretSource;
};

/** The knobs of the service's behaviour, in the units the services use. */
export interface ServicePolicy {
  /** How long a LemonSqueezy status is trusted before validate asks again. */
  statusTtlMs: number;
  /** How long a stored status may still be served while LemonSqueezy is unreachable. */
  statusGraceMs: number;
  /** How long a key's `limit_remaining` is cached before OpenRouter is asked again. */
  usageTtlMs: number;
  /** After this long, a device claim whose holder never finished may be taken over. */
  activationLeaseMs: number;
  /** How long a request waits for a parallel activation of the same device to finish. */
  activationWaitMs: number;
  /** Accept LemonSqueezy test-mode keys (sandbox/staging only). */
  allowTestMode: boolean;
  /** Carried in every OpenRouter key name; the reaper only touches keys with its own (I6). */
  deploymentId: string;
}

/** The one typed shape of the runtime configuration: what `createDeps` builds from. */
export interface ServiceConfig {
  tableName: string;
  region: string;
  dynamoDbEndpoint?: string | undefined;
  lemonSqueezyBaseUrl: string;
  openRouterBaseUrl: string;
  upstreamTimeoutMs: number;
  secretsCacheSeconds: number;
  logLevel: (typeof LOG_LEVELS)[number];
  secrets: SecretsConfig;
  policy: ServicePolicy;
}

/** Parses the environment; throws naming every missing or malformed variable (never values). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  // An empty variable counts as unset, so a template that exports `FOO=` gets the default.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  for (const [param, value] of SECRET_VARIABLES) {
    if (!present[param] && !present[value])
      problems.push(`${param}: set ${param} (SSM name) or ${value}`);
  }
  if (!parsed.success || problems.length > 0) {
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const source = (param: string | undefined, value: string | undefined): SecretSource =>
    param ? { ssmName: param } : { value: value as string };
  return {
    tableName: e.TABLE_NAME,
    region: e.AWS_REGION,
    dynamoDbEndpoint: e.DYNAMODB_ENDPOINT,
    lemonSqueezyBaseUrl: e.LEMONSQUEEZY_BASE_URL.replace(/\/+$/, ''),
    openRouterBaseUrl: e.OPENROUTER_BASE_URL.replace(/\/+$/, ''),
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    secretsCacheSeconds: e.SECRETS_CACHE_SECONDS,
    logLevel: e.LOG_LEVEL,
    secrets: {
      lemonsqueezyApiKey: source(e.LEMONSQUEEZY_API_KEY_PARAM, e.LEMONSQUEEZY_API_KEY),
      openrouterManagementKey: source(e.OPENROUTER_API_KEY_PARAM, e.OPENROUTER_API_KEY),
      webhookSecret: source(e.WEBHOOK_SECRET_PARAM, e.WEBHOOK_SECRET),
      ...(e.ORIGIN_SECRET_ARN
        ? { originSecret: { secretArn: e.ORIGIN_SECRET_ARN } }
        : e.ORIGIN_SECRET
          ? { originSecret: { value: e.ORIGIN_SECRET } }
          : {}),
      ...(e.SIGNING_KEY_PARAM || e.SIGNING_KEY
        ? { signingKey: source(e.SIGNING_KEY_PARAM, e.SIGNING_KEY) }
        : {}),
    },
    policy: {
      statusTtlMs: e.STATUS_TTL_SECONDS * 1000,
      statusGraceMs: e.STATUS_GRACE_SECONDS * 1000,
      usageTtlMs: e.USAGE_TTL_SECONDS * 1000,
      activationLeaseMs: e.ACTIVATION_LEASE_SECONDS * 1000,
      activationWaitMs: e.ACTIVATION_WAIT_SECONDS * 1000,
      allowTestMode: e.ALLOW_TEST_MODE,
      deploymentId: e.DEPLOYMENT_ID ?? deploymentIdOf(e.TABLE_NAME),
    },
  };
}

/**
 * A stable id per deployment: two stacks (or `pnpm start` next to a stack) sharing one OpenRouter
 * account have different tables, so their keys carry different ids and no reaper touches another
 * deployment's keys.
 */
function deploymentIdOf(tableName: string): string {
  return `t${createHash('sha256').update(tableName, 'utf8').digest('hex').slice(0, 10)}`;
}

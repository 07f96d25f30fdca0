import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { SecretSource, SecretsConfig } from '#adapters/ssm/secrets.ts';
import { productsConfig } from '#config/products.ts';
import type { ProductsConfig } from '#config/products-schema.ts';
import { DYNAMODB_CLIENT_DEFAULTS } from '#config/time-budget.ts';
import type { RateLimit } from '#domain/rate-limits.ts';
import type { ServicePolicy } from '#services/service-policy.ts';
import { parseEnv } from './parse-env.ts';

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

const seconds = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .default('on')
  .transform((value) => value === 'on' || value === 'true' || value === '1');

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A rate limit as `<requests>/<window>`, the window in seconds or with a unit: `5/1h`, `20/10m`,
 * `10/60`. At least one request; windows from a second to a day.
 */
const rateLimit = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, context): RateLimit => {
      const match = /^(\d{1,6})\/(\d{1,6})([smhd]?)$/.exec(text.trim());
      const max = Number(match?.[1]);
      const windowSeconds = Number(match?.[2]) * (UNIT_SECONDS[match?.[3] ?? ''] ?? 0);
      if (!match || max < 1 || windowSeconds < 1 || windowSeconds > 86_400) {
        context.addIssue({
          code: 'custom',
          message: 'expected <requests>/<window>, e.g. 5/1h (at least 1 request, 1 s to 1 d)',
        });
        return z.NEVER;
      }
      return { name, max, windowSeconds };
    });

/** What the shipped RAVN Mail client sends as its device id: an HMAC-SHA-256 in hex. */
const RAVN_DEVICE_ID = '[0-9a-f]{64}';

/**
 * A pattern the whole canonical device id must match (anchored here, so `[0-9a-f]{64}` means
 * exactly that), with the `u` flag for `\p{…}` classes; a pattern that does not compile fails
 * the cold start.
 */
const wholeMatch = z
  .string()
  .default(RAVN_DEVICE_ID)
  .transform((source, context) => {
    try {
      return new RegExp(`^(?:${source})$`, 'u');
    } catch {
      context.addIssue({ code: 'custom', message: 'not a valid regular expression' });
      return z.NEVER;
    }
  });

/** How long audit records are kept: read by the service's functions and the admin function. */
export const auditRetentionDays = z.coerce.number().int().min(1).max(3650).default(90);

/**
 * Runtime configuration, from environment variables, checked when a function starts: a missing
 * or malformed variable fails the cold start with its name rather than a request later.
 * Secrets come either as SSM parameter *names* (AWS) or as values (local server, tests). What
 * each variable means: config-meanings.ts (`pnpm run docs` writes docs/configuration.md).
 */
export const envSchema = z
  .object({
    TABLE_NAME: z.string().min(1),
    // Names this deployment's OpenRouter keys (I6); defaults to a digest of TABLE_NAME.
    DEPLOYMENT_ID: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes, at most 40')
      .optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    // Set by Lambda; the `service` dimension of the function's metrics (config/metrics.ts).
    AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).default('ravn-local'),
    // How long audit records are kept (DynamoDB TTL); the admin function reads the same variable.
    AUDIT_RETENTION_DAYS: auditRetentionDays,
    DYNAMODB_ENDPOINT: z.url().optional(),
    // Defaults and the time budget they fit: config/time-budget.ts.
    DYNAMODB_CONNECT_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(DYNAMODB_CLIENT_DEFAULTS.connectTimeoutMs),
    DYNAMODB_REQUEST_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(DYNAMODB_CLIENT_DEFAULTS.requestTimeoutMs),
    DYNAMODB_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .default(DYNAMODB_CLIENT_DEFAULTS.maxAttempts),
    LEMONSQUEEZY_BASE_URL: z.url().default('https://api.lemonsqueezy.com'),
    // The store-wide License API budget (LemonSqueezy allows 60 a minute): 0 turns it off. First
    // contacts have a share of their own; known licenses the rest (docs/rate-limits.md,
    // "LemonSqueezy budget").
    LEMONSQUEEZY_BUDGET_PER_MINUTE: z.coerce.number().int().min(0).max(60).default(50),
    LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE: z.coerce.number().int().min(1).max(59).default(15),
    OPENROUTER_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    STATUS_TTL_SECONDS: seconds(24 * 3600),
    STATUS_GRACE_SECONDS: seconds(72 * 3600),
    // Read with the daily heartbeat, so a validate rarely writes (docs/design.md, "Usage
    // freshness").
    USAGE_TTL_SECONDS: seconds(24 * 3600),
    ACTIVATION_LEASE_SECONDS: seconds(30),
    ACTIVATION_WAIT_SECONDS: seconds(10),
    ALLOW_TEST_MODE: flag,
    TRIAL_DEVICE_ID_PATTERN: wholeMatch,
    BLOCK_DISPOSABLE_EMAILS: onOff,
    // In-app rate limits (docs/rate-limits.md): on unless `off`, locally too.
    RATE_LIMITS: onOff,
    RATE_LIMIT_TRIAL: rateLimit('trial', '5/1h'),
    RATE_LIMIT_UNKNOWN_KEY: rateLimit('unknown-key', '20/10m'),
    RATE_LIMIT_ACTIVATE: rateLimit('activate', '10/1m'),
    RATE_LIMIT_VALIDATE_UPSTREAM: rateLimit('validate-upstream', '60/1h'),
    // One license's share of the budget: 10 hostile licenses × 3 leave 5 of the known share's 35.
    RATE_LIMIT_LICENSE_UPSTREAM: rateLimit('lemonsqueezy-license', '3/1m'),
    NEGATIVE_CACHE_SECONDS: seconds(600),
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
  })
  // The two shares of the budget are disjoint (counters of their own): a first-contact share as
  // large as the budget would leave known licenses (refreshes, seats, sweeps) nothing.
  .refine(
    (e) =>
      e.LEMONSQUEEZY_BUDGET_PER_MINUTE === 0 ||
      e.LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE < e.LEMONSQUEEZY_BUDGET_PER_MINUTE,
    {
      path: ['LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE'],
      message: 'must be less than LEMONSQUEEZY_BUDGET_PER_MINUTE (known licenses get the rest)',
    },
  );

const SECRET_VARIABLES = [
  ['LEMONSQUEEZY_API_KEY_PARAM', 'LEMONSQUEEZY_API_KEY'],
  ['OPENROUTER_API_KEY_PARAM', 'OPENROUTER_API_KEY'],
  ['WEBHOOK_SECRET_PARAM', 'WEBHOOK_SECRET'],
] as const;

/** The one typed shape of the runtime configuration: what `createDeps` builds from. */
export interface ServiceConfig {
  tableName: string;
  region: string;
  /** The function's name (`ravn-local` outside Lambda): its metrics' `service` dimension. */
  functionName: string;
  /** Days an audit record is kept. */
  auditRetentionDays: number;
  dynamoDbEndpoint?: string | undefined;
  /** Limits of every DynamoDB call (config/time-budget.ts). */
  dynamoDbClient: { connectTimeoutMs: number; requestTimeoutMs: number; maxAttempts: number };
  lemonSqueezyBaseUrl: string;
  openRouterBaseUrl: string;
  upstreamTimeoutMs: number;
  /**
   * LemonSqueezy License API calls a minute for the whole deployment, and the share of it kept
   * for first contacts with keys never stored here (known licenses get the rest: the two shares
   * are disjoint); undefined = no budget.
   */
  lemonSqueezyBudget: { perMinute: number; firstContactPerMinute: number } | undefined;
  secretsCacheSeconds: number;
  logLevel: (typeof LOG_LEVELS)[number];
  secrets: SecretsConfig;
  policy: ServicePolicy;
  /** `config/products.json`, checked when this module loads (config/products.ts). */
  products: ProductsConfig;
}

/** Parses the environment; throws naming every missing or malformed variable (never values). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const e = parseEnv(envSchema, env, (present) =>
    SECRET_VARIABLES.filter(([param, value]) => !present[param] && !present[value]).map(
      ([param, value]) => `${param}: set ${param} (SSM name) or ${value}`,
    ),
  );
  const source = (param: string | undefined, value: string | undefined): SecretSource =>
    param ? { ssmName: param } : { value: value as string };
  return {
    tableName: e.TABLE_NAME,
    region: e.AWS_REGION,
    functionName: e.AWS_LAMBDA_FUNCTION_NAME,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    dynamoDbEndpoint: e.DYNAMODB_ENDPOINT,
    dynamoDbClient: {
      connectTimeoutMs: e.DYNAMODB_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: e.DYNAMODB_REQUEST_TIMEOUT_MS,
      maxAttempts: e.DYNAMODB_MAX_ATTEMPTS,
    },
    lemonSqueezyBaseUrl: e.LEMONSQUEEZY_BASE_URL.replace(/\/+$/, ''),
    openRouterBaseUrl: e.OPENROUTER_BASE_URL.replace(/\/+$/, ''),
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    lemonSqueezyBudget:
      e.LEMONSQUEEZY_BUDGET_PER_MINUTE === 0
        ? undefined
        : {
            perMinute: e.LEMONSQUEEZY_BUDGET_PER_MINUTE,
            firstContactPerMinute: e.LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE,
          },
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
      trialDeviceIdPattern: e.TRIAL_DEVICE_ID_PATTERN,
      blockDisposableEmails: e.BLOCK_DISPOSABLE_EMAILS,
      deploymentId: e.DEPLOYMENT_ID ?? deploymentIdOf(e.TABLE_NAME),
      rateLimits: {
        enabled: e.RATE_LIMITS,
        trial: e.RATE_LIMIT_TRIAL,
        unknownKey: e.RATE_LIMIT_UNKNOWN_KEY,
        activate: e.RATE_LIMIT_ACTIVATE,
        validateUpstream: e.RATE_LIMIT_VALIDATE_UPSTREAM,
        licenseUpstream: e.RATE_LIMIT_LICENSE_UPSTREAM,
      },
      negativeCacheMs: e.NEGATIVE_CACHE_SECONDS * 1000,
    },
    products: productsConfig,
  };
}

/** One id per deployment: stacks sharing an OpenRouter account never touch each other's keys. */
function deploymentIdOf(tableName: string): string {
  return `t${createHash('sha256').update(tableName, 'utf8').digest('hex').slice(0, 10)}`;
}

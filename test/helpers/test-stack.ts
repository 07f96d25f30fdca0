import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { productsConfig } from '#config/products.ts';
import { type DynamoDbMeter, startDynamoDbMeter } from '#local/dynamodb-meter.ts';
import { type LocalStack, startLocalStack } from '#local/local-stack.ts';
import type {
  LemonSqueezyDouble,
  LicenseSeed,
  SeededLicense,
} from '#local/sandbox/lemonsqueezy-double.ts';
import type { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';
import { DynamoDbFaults } from '#test/helpers/dynamodb-faults.ts';
import { useFixture } from '#test/helpers/fixture.ts';
import { DAY, ManualClock } from '#test/helpers/manual-clock.ts';
import { rememberDoubles, rememberSecretsOf } from '#test/helpers/secret-registry.ts';

/** The instant every test stack's clock starts at. */
export const START = '2026-03-10T12:00:00.000Z';

export interface TestStack extends LocalStack {
  lemonSqueezy: LemonSqueezyDouble;
  openRouter: OpenRouterDouble;
  clock: ManualClock;
  tableName: string;
  /** The service's DynamoDB requests, counted, when started with `{ meter: true }`. */
  meter: DynamoDbMeter | undefined;
  /** Faults dealt to the service's DynamoDB requests, when started with `{ faults: true }`. */
  faults: DynamoDbFaults | undefined;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  items(): Promise<Array<Record<string, unknown>>>;
}

export interface HttpResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely and assert them.
  body: any;
  text: string;
  /** The response headers, names lower-case (posts through the local server). */
  headers?: Record<string, string>;
}

/**
 * The rate limits a test stack runs with unless the test says otherwise: on (every request that
 * a limit covers is counted, in the table, as in production) but far above what a test sends.
 * Tests fire dozens of trials from 127.0.0.1 and activate one license many times within one
 * instant of their manual clock, which the production defaults would refuse; the suites about
 * the limits set their own (`SERVICE_RATE_LIMITS` for the service's defaults).
 */
export const ROOMY_RATE_LIMITS = {
  RATE_LIMIT_TRIAL: '100000/1h',
  RATE_LIMIT_UNKNOWN_KEY: '100000/1h',
  RATE_LIMIT_ACTIVATE: '100000/1h',
  RATE_LIMIT_VALIDATE_UPSTREAM: '100000/1h',
  RATE_LIMIT_LICENSE_UPSTREAM: '100000/1h',
} as const;

/** The service's own default limits (an empty variable counts as unset). */
export const SERVICE_RATE_LIMITS = {
  RATE_LIMIT_TRIAL: '',
  RATE_LIMIT_UNKNOWN_KEY: '',
  RATE_LIMIT_ACTIVATE: '',
  RATE_LIMIT_VALIDATE_UPSTREAM: '',
  RATE_LIMIT_LICENSE_UPSTREAM: '',
} as const;

export interface StackOptions {
  /** Count the service's DynamoDB requests (`meter`). */
  meter?: boolean;
  /** Put the fault proxy in front of DynamoDB Local (`faults`). */
  faults?: boolean;
}

/**
 * The service as `pnpm start` runs it (local HTTP server → handlers → DynamoDB Local + sandbox
 * doubles), on a fresh table, with a clock the test controls. Logs are on at DEBUG: the
 * per-file log check (test/helpers/log-check.setup.ts) reads them all. The upstream timeout leaves room
 * for 50 parallel requests on two cores; fault tests that stall an upstream pass a shorter one.
 * The rate limits are on but roomy (`ROOMY_RATE_LIMITS`) unless `env` sets them.
 */
export async function startTestStack(
  env: NodeJS.ProcessEnv = {},
  options: StackOptions = {},
): Promise<TestStack> {
  const clock = new ManualClock(START);
  const tableName = `test-${randomUUID()}`;
  const dynamoDbEndpoint = inject('dynamoDbEndpoint');
  // The service's requests through a proxy, when a test counts them or deals them faults.
  const faults = options.faults ? new DynamoDbFaults() : undefined;
  const meter =
    options.meter || faults ? await startDynamoDbMeter(dynamoDbEndpoint, faults?.hook) : undefined;
  const stack = await startLocalStack({
    dynamoDbEndpoint: meter?.endpoint ?? dynamoDbEndpoint,
    tableName,
    clock,
    env: {
      UPSTREAM_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'DEBUG',
      // The manual clock stands still, so a whole file's LemonSqueezy calls would share one
      // minute of the store-wide budget: off, except in the tests about it.
      LEMONSQUEEZY_BUDGET_PER_MINUTE: '0',
      ...ROOMY_RATE_LIMITS,
      ...env,
    },
  });
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: dynamoDbEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  rememberDoubles(stack);
  return {
    ...stack,
    meter,
    faults,
    close: async () => {
      await stack.close();
      await meter?.close();
    },
    lemonSqueezy: stack.lemonSqueezy as LemonSqueezyDouble,
    openRouter: stack.openRouter as OpenRouterDouble,
    clock,
    tableName,
    post: (path, body, headers) => post(stack.url, path, body, headers),
    items: async () =>
      (await documents.send(new ScanCommand({ TableName: tableName, ConsistentRead: true })))
        .Items ?? [],
  };
}

/**
 * One test stack for the tests of the enclosing `describe` block (or file): started before all of
 * them with `env` (as `startTestStack`), closed after them. Returns its stand-in, which reads the
 * started stack. A test that needs a stack of its own (a clock moved far, an upstream broken for
 * good) still calls `startTestStack` and closes it itself.
 */
export function useTestStack(env: NodeJS.ProcessEnv = {}, options: StackOptions = {}): TestStack {
  return useFixture(
    'all',
    () => startTestStack(env, options),
    (stack) => stack.close(),
  ).current;
}

export async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<HttpResult> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return httpResult(
    response.status,
    await response.text(),
    Object.fromEntries(response.headers.entries()),
  );
}

/**
 * What a test reads of an answer: its JSON body (undefined when it is not JSON), whose secrets
 * the log check then looks for in the logs (test/helpers/secret-registry.ts).
 */
export function httpResult(
  status: number,
  text: string,
  headers: Record<string, string>,
): HttpResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  rememberSecretsOf(parsed);
  return { status, body: parsed, text, headers };
}

const saasProduct = productsConfig.products.ai_subscription;
const byokProduct = productsConfig.products.byok_lifetime;

/** The configured plans, as LemonSqueezy seeds. */
export const PLANS = {
  saas: {
    storeId: productsConfig.store_id,
    productId: saasProduct?.product_id ?? 0,
    variantId: saasProduct?.variants.starter_monthly?.variant_id ?? 0,
    credits: saasProduct?.variants.starter_monthly?.credits_usd ?? 0,
  },
  byok: {
    storeId: productsConfig.store_id,
    productId: byokProduct?.product_id ?? 0,
    variantId: byokProduct?.variants.lifetime?.variant_id ?? 0,
  },
};

/** A license of one of our plans at the LemonSqueezy double. */
export function seedLicense(
  stack: TestStack,
  plan: 'saas' | 'byok',
  overrides: Partial<LicenseSeed> = {},
): SeededLicense {
  const { storeId, productId, variantId } = PLANS[plan];
  return stack.lemonSqueezy.addLicense({
    storeId,
    productId,
    variantId,
    customerName: 'Jane Doe',
    customerEmail: 'jane@example.com',
    ...overrides,
  });
}

/**
 * A license of one of our plans, sold with an active subscription renewing at `renewsAt`
 * (default 20 days on), activated on one new device.
 */
export async function activatedLicense(
  stack: TestStack,
  plan: 'saas' | 'byok' = 'saas',
  renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString(),
) {
  const license = seedLicense(stack, plan, { subscription: { status: 'active', renewsAt } });
  const device = deviceId();
  const response = await stack.post('/v1/activate', {
    instanceName: device,
    licenseKey: license.key,
  });
  if (response.status !== 200) throw new Error(`activation failed: ${response.text}`);
  return {
    license,
    device,
    activation: response.body,
    token: response.body.ai_details?.token as string,
  };
}

/**
 * A SaaS license with `seats` seats and an active subscription renewing in 20 days, not yet
 * activated; `activate` takes a seat for a new device and says what the answer gave it.
 */
export function saasLicenseWithSeats(stack: TestStack, seats: number) {
  const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
  const license = seedLicense(stack, 'saas', {
    activationLimit: seats,
    subscription: { status: 'active', renewsAt },
  });
  const activate = async () => {
    const instanceName = deviceId();
    const activatedAt = stack.clock.now();
    const response = await stack.post('/v1/activate', { instanceName, licenseKey: license.key });
    if (response.status !== 200) throw new Error(`activation failed: ${response.text}`);
    return {
      instanceName,
      instanceId: response.body.instanceId as string,
      token: response.body.ai_details?.token as string,
      activatedAt,
    };
  };
  return { license, activate };
}

/** A device id shaped like RAVN Mail's (64 hex). */
export function deviceId(): string {
  return randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');
}

/** A local part nobody has used, and an address with it, so each run starts from no claim. */
export const freshName = () => `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
export const freshEmail = () => `${freshName()}@example.com`;

/** Keys alive at OpenRouter that no stored license points at: credits nobody accounts for. */
export async function orphanKeys(stack: TestStack): Promise<string[]> {
  const referenced = new Set(
    (await stack.items())
      .map((item) => (item.ai as { hash?: string } | undefined)?.hash)
      .filter((hash): hash is string => typeof hash === 'string'),
  );
  return stack.openRouter
    .liveKeys()
    .map((key) => key.hash)
    .filter((hash) => !referenced.has(hash));
}

import { createPrivateKey } from 'node:crypto';
import { productsConfig } from '#config/products.ts';
import { type LocalStack, SANDBOX_SECRETS, startLocalStack } from '#local/local-stack.ts';
import { ManualClock } from '#local/manual-clock.ts';
import type { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import type { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';
import { sendWebhook, type WebhookBody } from '#local/webhook-sender.ts';

/**
 * The stack the compatibility story runs on: the local service of whichever checkout this file
 * is copied into (scripts/compat-fixture.ts runs it inside a tagged release's worktree), on
 * DynamoDB Local and the sandbox doubles, with a manual clock. Everything it imports exists in
 * release/stop-29 as well as today; keep it that way, or the previous release cannot run it.
 */

/** Where the story's clock starts. */
export const STORY_START = '2026-03-10T12:00:00.000Z';
/** Names the story's OpenRouter keys; the forward test runs with the same id. */
export const STORY_DEPLOYMENT_ID = 'compat-story';

/** The story's rate limits: on, counted in the table, far above what it sends. */
const STORY_ENV = {
  DEPLOYMENT_ID: STORY_DEPLOYMENT_ID,
  UPSTREAM_TIMEOUT_MS: '5000',
  RATE_LIMIT_TRIAL: '1000/1h',
  RATE_LIMIT_UNKNOWN_KEY: '1000/1h',
  RATE_LIMIT_ACTIVATE: '1000/1h',
  RATE_LIMIT_VALIDATE_UPSTREAM: '1000/1h',
  RATE_LIMIT_LICENSE_UPSTREAM: '1000/1h',
} as const;

/**
 * A lease signing key made from a fixed seed (an Ed25519 PKCS#8 wrapper around 32 bytes), so that
 * the answers the story keeps (an idempotent request's stored response) are the same every run.
 */
function fixedSigningKey(): string {
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.alloc(32, 7),
  ]);
  const pem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
  return JSON.stringify({
    keys: [{ kid: 'compat-story', createdAt: STORY_START, privateKey: pem }],
  });
}

export interface StoryStack extends LocalStack {
  lemonSqueezy: LemonSqueezyDouble;
  openRouter: OpenRouterDouble;
  clock: ManualClock;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown>; text: string }>;
  /** Signs and delivers a webhook body (a string is sent byte for byte). */
  deliver(body: WebhookBody | string): Promise<{ status: number; text: string }>;
}

export async function startStoryStack(options: {
  dynamoDbEndpoint: string;
  tableName: string;
  logLevel?: string;
}): Promise<StoryStack> {
  const clock = new ManualClock(STORY_START);
  const stack = await startLocalStack({
    dynamoDbEndpoint: options.dynamoDbEndpoint,
    tableName: options.tableName,
    clock,
    env: {
      ...STORY_ENV,
      LOG_LEVEL: options.logLevel ?? 'ERROR',
      SIGNING_KEY: fixedSigningKey(),
    },
  });
  if (!stack.lemonSqueezy || !stack.openRouter) throw new Error('the story needs both doubles');
  return {
    ...stack,
    lemonSqueezy: stack.lemonSqueezy,
    openRouter: stack.openRouter,
    clock,
    post: async (path, body, headers = {}) => {
      const response = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), text };
    },
    deliver: (body) => sendWebhook(`${stack.url}/v1/webhook`, body, SANDBOX_SECRETS.WEBHOOK_SECRET),
  };
}

const saas = productsConfig.products.ai_subscription;
const byok = productsConfig.products.byok_lifetime;

/** The configured plans the story sells, as the LemonSqueezy double is seeded with them. */
export const STORY_PLANS = {
  saas: {
    storeId: productsConfig.store_id,
    productId: saas?.product_id ?? 0,
    variantId: saas?.variants.starter_monthly?.variant_id ?? 0,
  },
  byok: {
    storeId: productsConfig.store_id,
    productId: byok?.product_id ?? 0,
    variantId: byok?.variants.lifetime?.variant_id ?? 0,
  },
};

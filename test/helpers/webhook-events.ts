import { SANDBOX_SECRETS } from '../../lambda/local/local-stack.ts';
import type { SeededLicense } from '../../lambda/local/sandbox/lemonsqueezy-double.ts';
import {
  loadWebhookFixture,
  sendWebhook,
  setPath,
  type WebhookBody,
} from '../../lambda/local/webhook-sender.ts';
import type { TestStack } from './test-stack.ts';

/**
 * A fixture event pointed at a license seeded at the LemonSqueezy double: its key, ids, order
 * and subscription, stamped `updated_at` = the stack's clock unless overridden.
 */
export function eventFor(
  stack: TestStack,
  name: string,
  license: SeededLicense,
  overrides: Record<string, unknown> = {},
): WebhookBody {
  const body = loadWebhookFixture(name);
  const attributes = body.data.attributes;
  switch (body.data.type) {
    case 'license-keys':
      body.data.id = String(license.id);
      attributes.key = license.key;
      attributes.order_id = license.orderId;
      attributes.order_item_id = license.orderItemId;
      break;
    case 'subscriptions':
      body.data.id = String(license.subscriptionId);
      attributes.order_id = license.orderId;
      attributes.order_item_id = license.orderItemId;
      break;
    case 'subscription-invoices':
      attributes.subscription_id = license.subscriptionId;
      break;
    case 'orders':
      body.data.id = String(license.orderId);
      break;
  }
  attributes.updated_at = stack.clock.now().toISOString();
  for (const [path, value] of Object.entries(overrides)) setPath(body, path, value);
  return body;
}

/** Delivers an event to the stack's /v1/webhook, signed with the sandbox secret. */
export async function deliver(
  stack: TestStack,
  body: WebhookBody | string,
  headers: Record<string, string> = {},
) {
  const response = await sendWebhook(
    `${stack.url}/v1/webhook`,
    body,
    SANDBOX_SECRETS.WEBHOOK_SECRET,
    headers,
  );
  let json: { outcome?: string; code?: string } | undefined;
  try {
    json = JSON.parse(response.text);
  } catch {
    json = undefined;
  }
  return { ...response, body: json };
}

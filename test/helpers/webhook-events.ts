import { licenseHashOf } from '../../lambda/domain/secrets.ts';
import { SANDBOX_SECRETS } from '../../lambda/local/local-stack.ts';
import { HOUR } from '../../lambda/local/manual-clock.ts';
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

/** `hours` after the stack's clock, written the way LemonSqueezy writes times. */
export function hoursLater(stack: TestStack, hours: number): string {
  return new Date(stack.clock.now().getTime() + hours * HOUR).toISOString().replace('Z', '000Z');
}

/** The OpenRouter key (at the double) behind a token. */
export function keyOf(stack: TestStack, token: string) {
  return stack.openRouter.keys().find((key) => key.key === token);
}

/** The stored license item of a seeded license. */
export async function storedLicense(stack: TestStack, license: SeededLicense) {
  return (await stack.items()).find(
    (item) => item.sk === 'LICENSE' && item.licenseHash === licenseHashOf(license.key),
  );
}

export function validate(stack: TestStack, license: SeededLicense) {
  return stack.post('/v1/validate', { licenseKey: license.key });
}

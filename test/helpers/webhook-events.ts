import { createHash, randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LicenseRecord } from '#domain/license.ts';
import { licenseHashOf } from '#domain/license.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { DAY, HOUR } from '#local/manual-clock.ts';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import {
  loadWebhookFixture,
  sendWebhook,
  setPath,
  type WebhookBody,
} from '#local/webhook-sender.ts';
import { localDocumentClient } from '#test/helpers/local-documents.ts';
import { deviceId, seedLicense, type TestStack } from '#test/helpers/test-stack.ts';

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

/**
 * A subscription event saying what the LemonSqueezy double holds for the license's subscription
 * now: status, `renews_at`, `ends_at`, `trial_ends_at` and `pause`, as LemonSqueezy would send it.
 */
export function subscriptionEventFor(
  stack: TestStack,
  name: string,
  license: SeededLicense,
): WebhookBody {
  const truth = stack.lemonSqueezy.snapshot(license.key).subscription;
  if (!truth) throw new Error('the license was seeded without a subscription');
  return eventFor(stack, name, license, {
    'meta.webhook_id': randomUUID(),
    'data.attributes.status': truth.status,
    'data.attributes.renews_at': truth.renewsAt,
    'data.attributes.ends_at': truth.endsAt,
    'data.attributes.trial_ends_at': truth.trialEndsAt,
    'data.attributes.pause': truth.pause && {
      mode: truth.pause.mode,
      resumes_at: truth.pause.resumesAt,
    },
  });
}

/**
 * A `subscription_payment_*` event of the license's subscription: invoice `invoiceId`, billed
 * (`created_at`) at `billedAt`; `subscription_payment_refunded` says refunded in full.
 */
export function paymentEventFor(
  stack: TestStack,
  name: string,
  license: SeededLicense,
  invoice: { invoiceId: string; billedAt: string },
): WebhookBody {
  const refunded = name === 'subscription_payment_refunded';
  return eventFor(stack, name, license, {
    'meta.webhook_id': randomUUID(),
    'data.id': invoice.invoiceId,
    'data.attributes.created_at': invoice.billedAt,
    'data.attributes.status': refunded ? 'refunded' : 'paid',
    'data.attributes.refunded': refunded,
    'data.attributes.refunded_at': refunded ? stack.clock.now().toISOString() : null,
  });
}

/** `license_key_updated` saying the license is usable again (the fixture says disabled). */
export function activeAgainEvent(stack: TestStack, license: SeededLicense): WebhookBody {
  return eventFor(stack, 'license_key_updated', license, {
    'data.attributes.status': 'active',
    'data.attributes.disabled': 0,
  });
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

/** The id the service keys a delivery by: the SHA-256 of the exact bytes `deliver` sends. */
export function deliveryIdOf(body: WebhookBody | string): string {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return createHash('sha256').update(raw).digest('hex');
}

/**
 * The event's JSON with `"name": rawJson` spliced in as its first attribute: the only way to
 * send a key such as `__proto__`, which no object literal or `JSON.stringify` makes an own key.
 */
export function withRawAttribute(body: WebhookBody, name: string, rawJson: string): string {
  const raw = JSON.stringify(body);
  const marker = '"attributes":{';
  const at = raw.indexOf(marker) + marker.length;
  return `${raw.slice(0, at)}${JSON.stringify(name)}:${rawJson},${raw.slice(at)}`;
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
/** The license item as stored (fields typed as the service writes them). */
export async function storedLicense(
  stack: TestStack,
  license: SeededLicense,
): Promise<(Record<string, unknown> & Partial<LicenseRecord>) | undefined> {
  return (await stack.items()).find(
    (item) => item.sk === 'LICENSE' && item.licenseHash === licenseHashOf(license.key),
  );
}

export function validate(stack: TestStack, license: SeededLicense) {
  return stack.post('/v1/validate', { licenseKey: license.key });
}

/**
 * A saas license with its own subscription, activated on one device: of a new order, or a
 * further key of `orderId`'s order (sold by its own order item).
 */
export async function activatedInOrder(stack: TestStack, orderId?: number) {
  const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
  const license = seedLicense(stack, 'saas', {
    ...(orderId === undefined ? {} : { orderId }),
    subscription: { status: 'active', renewsAt },
  });
  const response = await stack.post('/v1/activate', {
    instanceName: deviceId(),
    licenseKey: license.key,
  });
  if (response.status !== 200) throw new Error(`activation failed: ${response.text}`);
  return { license, token: response.body.ai_details.token as string };
}

/** Rewrites a license's order alias the way it was stored before orders held a set of keys. */
export async function writeOldOrderAlias(stack: TestStack, license: SeededLicense): Promise<void> {
  const documents = localDocumentClient();
  await documents.send(
    new PutCommand({
      TableName: stack.tableName,
      Item: {
        pk: `ALIAS#ORDER#${license.orderId}`,
        sk: 'ALIAS',
        licenseHash: licenseHashOf(license.key),
      },
    }),
  );
}

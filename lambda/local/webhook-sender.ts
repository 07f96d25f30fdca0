import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Realistic LemonSqueezy event bodies, one per event we handle (their shapes: docs/upstreams.md,
 * "LemonSqueezy webhooks").
 */
export const FIXTURES_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/webhooks',
);

// biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON edited by path.
export type WebhookBody = Record<string, any>;

/** The fixtures' names (`license_key_updated`, …), sorted. */
export function webhookFixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''))
    .sort();
}

export function loadWebhookFixture(name: string): WebhookBody {
  return JSON.parse(
    readFileSync(join(FIXTURES_DIR, `${name.replace(/\.json$/, '')}.json`), 'utf8'),
  );
}

/** Sets `value` at a dotted path (`data.attributes.status`), creating objects on the way. */
export function setPath(body: WebhookBody, path: string, value: unknown): WebhookBody {
  const keys = path.split('.');
  let target = body;
  for (const key of keys.slice(0, -1)) {
    target[key] ??= {};
    target = target[key];
  }
  target[keys[keys.length - 1] as string] = value;
  return body;
}

/** LemonSqueezy's signature: hex HMAC-SHA256 of the exact body bytes with the signing secret. */
export function signWebhook(raw: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

/** POSTs a body the way LemonSqueezy does (JSON, `X-Event-Name`, `X-Signature`). */
export async function sendWebhook(
  url: string,
  body: WebhookBody | string,
  secret: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Record<string, string> }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const eventName = typeof body === 'string' ? '' : String(body.meta?.event_name ?? '');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-event-name': eventName,
      'x-signature': signWebhook(raw, secret),
      ...headers,
    },
    body: raw,
  });
  const answered = Object.fromEntries(response.headers.entries());
  return { status: response.status, text: await response.text(), headers: answered };
}

import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { loadWebhookFixture, signWebhook } from '#local/webhook-sender.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { post, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver } from '#test/helpers/webhook-events.ts';

const SECRET = SANDBOX_SECRETS.WEBHOOK_SECRET;

describe('POST /v1/webhook signature', () => {
  const stack = useTestStack();
  const raw = JSON.stringify(loadWebhookFixture('license_key_created'));

  async function sendRaw(
    body: string,
    signature: string | undefined,
    contentType = 'application/json',
  ) {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (signature !== undefined) headers['x-signature'] = signature;
    return post(stack.url, '/v1/webhook', body, headers);
  }

  it.each([
    ['forged with another secret', raw, signWebhook(raw, 'not-the-secret')],
    ['tampered by one byte', raw.replace('"inactive"', '"inactivf"'), signWebhook(raw, SECRET)],
    ['truncated', raw.slice(0, -1), signWebhook(raw, SECRET)],
    [
      're-serialised',
      JSON.stringify(JSON.parse(raw)),
      signWebhook(JSON.stringify(JSON.parse(raw), null, 2), SECRET),
    ],
    ['missing', raw, undefined],
    ['not hex', raw, 'z'.repeat(64)],
    ['too short', raw, signWebhook(raw, SECRET).slice(0, 63)],
    ['empty', raw, ''],
  ])('refuses a signature %s with 401 and writes nothing', async (_label, body, signature) => {
    // Prepare
    const itemsBefore = (await stack.items()).length;

    // Act
    const response = await sendRaw(body, signature);

    // Assess
    expect(response.status).toBe(401);
    expect(response.body).toEqual(
      errorBodyOf('INVALID_SIGNATURE', 'The webhook signature is missing or invalid.'),
    );
    expect(response.text).not.toContain(signWebhook(body, SECRET));
    expect(response.text).not.toContain(SECRET);
    expect(await stack.items()).toHaveLength(itemsBefore);
  });

  it('accepts the exact bytes whatever their formatting, with an upper-case signature header', async () => {
    // Prepare
    const pretty = JSON.stringify(loadWebhookFixture('license_key_created'), null, 2);

    // Act
    const response = await post(stack.url, '/v1/webhook', pretty, {
      'content-type': 'application/json',
      'X-SIGNATURE': signWebhook(pretty, SECRET).toUpperCase(),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, outcome: 'applied' });
  });

  it('decodes a base64-encoded Lambda body before checking the signature', async () => {
    // Prepare: the local server, like a function URL, base64-encodes non-text bodies.
    const body = JSON.stringify({ ...loadWebhookFixture('order_refunded'), extra: 1 });

    // Act
    const response = await sendRaw(body, signWebhook(body, SECRET), 'application/octet-stream');

    // Assess
    expect(response.status).toBe(200);
  });

  it('answers 413 for a body over 256 KB', async () => {
    // Prepare
    const body = JSON.stringify({
      ...loadWebhookFixture('order_refunded'),
      pad: 'x'.repeat(300_000),
    });

    // Act
    const response = await sendRaw(body, signWebhook(body, SECRET));

    // Assess
    expect([response.status, response.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it.each([
    ['INVALID_REQUEST', 'not JSON', 'hello'],
    ['INVALID_REQUEST', 'not an event', '{"hello":"world"}'],
    [
      'INVALID_EVENT',
      'an event with attributes of the wrong shape',
      JSON.stringify({
        ...loadWebhookFixture('license_key_updated'),
        data: { type: 'license-keys', id: '1', attributes: { store_id: 37188, key: 5 } },
      }),
    ],
  ])('answers 400 %s for a signed body that is %s', async (code, _label, body) => {
    // Act
    const response = await sendRaw(body, signWebhook(body, SECRET));

    // Assess
    expect([response.status, response.body.code]).toEqual([400, code]);
  });

  it('acknowledges and ignores events of another store and test-mode events', async () => {
    // Prepare
    const otherStore = loadWebhookFixture('license_key_created');
    otherStore.data.attributes.store_id = 1;
    const testMode = loadWebhookFixture('license_key_created');
    testMode.meta.test_mode = true;
    const itemsBefore = (await stack.items()).length;

    // Act
    const responses = [await deliver(stack, otherStore), await deliver(stack, testMode)];

    // Assess
    expect(responses.map((response) => [response.status, response.body?.outcome])).toEqual([
      [200, 'ignored'],
      [200, 'ignored'],
    ]);
    expect(await stack.items()).toHaveLength(itemsBefore);
  });

  it('answers METHOD_NOT_ALLOWED to a GET', async () => {
    // Act
    const response = await fetch(`${stack.url}/v1/webhook`);

    // Assess
    expect(response.status).toBe(405);
    expect(((await response.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
  });
});

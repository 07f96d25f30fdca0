import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError, InvalidRequestError } from '#domain/errors.ts';
import { type WebhookDelivery, webhookEnvelopeSchema } from '#schemas/webhook.ts';
import { header, parseJsonBody, rawBody } from './request.ts';

/** LemonSqueezy's events are a few KB; anything much larger is not one of them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const SIGNATURE = /^[0-9a-f]{64}$/i;

/**
 * Checks `X-Signature` (hex HMAC-SHA256 of the raw body bytes with the webhook secret) before
 * anything is parsed, and returns the verified event. The comparison is constant-time over two
 * 32-byte digests; a missing or malformed header fails the same way as a wrong one, and nothing
 * about the expected value is ever said. The delivery id is the SHA-256 of those same bytes.
 */
export function verifiedWebhook(event: APIGatewayProxyEventV2, secret: string): WebhookDelivery {
  const body = rawBody(event);
  if (body.length > MAX_WEBHOOK_BYTES) {
    throw new DomainError(
      'PAYLOAD_TOO_LARGE',
      `The body must be at most ${MAX_WEBHOOK_BYTES} bytes.`,
    );
  }
  const signature = header(event, 'x-signature')?.trim() ?? '';
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = SIGNATURE.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DomainError('INVALID_SIGNATURE', 'The webhook signature is missing or invalid.');
  }
  const parsed = webhookEnvelopeSchema.safeParse(parseJsonBody(body));
  if (!parsed.success) throw new InvalidRequestError('The body is not a LemonSqueezy event.');
  return { deliveryId: createHash('sha256').update(body).digest('hex'), event: parsed.data };
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError, InvalidRequestError } from '#domain/errors.ts';
import { keyCaseOf } from '#domain/license-key.ts';
import { pauseOf } from '#domain/subscription.ts';
import type { PaymentOutcome, WebhookDelivery, WebhookEvent } from '#domain/webhook-event.ts';
import {
  type PaymentEventName,
  type WireWebhookEvent,
  webhookEnvelopeSchema,
  webhookEventSchema,
} from '#schemas/webhook.ts';
import { header, parseJsonBody, rawBody } from './messages.ts';

/** LemonSqueezy's events are a few KB; anything much larger is not one of them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const SIGNATURE = /^[0-9a-f]{64}$/i;

/**
 * Checks `X-Signature` (hex HMAC-SHA256 of the raw body bytes with the webhook secret) before
 * anything is parsed, and returns the verified event in domain terms. The webhook is exempt from
 * WAF's managed rules, so whatever reaches it is refused as cheaply as can be, without a table
 * access or a parse:
 * 1. a body over `MAX_WEBHOOK_BYTES` is refused from its length as delivered, before it is even
 *    decoded (a function URL takes up to 6 MB);
 * 2. a missing or malformed header is refused before the secret is asked for (a cold start's
 *    first such post never reaches SSM);
 * 3. the comparison is constant-time over two 32-byte digests; a wrong signature fails the same
 *    way as a missing one, and nothing about the expected value is ever said.
 * The delivery id is the SHA-256 of those same bytes.
 */
export async function verifiedWebhook(
  event: APIGatewayProxyEventV2,
  secret: () => Promise<string>,
): Promise<WebhookDelivery> {
  if (deliveredLength(event) > MAX_WEBHOOK_BYTES) throw tooLarge();
  const body = rawBody(event);
  if (body.length > MAX_WEBHOOK_BYTES) throw tooLarge();
  const signature = header(event, 'x-signature')?.trim() ?? '';
  if (!SIGNATURE.test(signature)) throw invalidSignature();
  const expected = createHmac('sha256', await secret())
    .update(body)
    .digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalidSignature();
  }
  return {
    deliveryId: createHash('sha256').update(body).digest('hex'),
    event: toWebhookEvent(parseWireEvent(parseJsonBody(body))),
  };
}

/**
 * The fewest bytes the body can decode to, from its length alone: text is at least a byte per
 * UTF-16 unit, base64 three bytes per four characters (less at most two of padding).
 */
function deliveredLength(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): number {
  const length = event.body?.length ?? 0;
  return event.isBase64Encoded ? Math.floor((length * 3) / 4) - 2 : length;
}

function tooLarge(): DomainError {
  return new DomainError(
    'PAYLOAD_TOO_LARGE',
    `The body must be at most ${MAX_WEBHOOK_BYTES} bytes.`,
  );
}

function invalidSignature(): DomainError {
  return new DomainError('INVALID_SIGNATURE', 'The webhook signature is missing or invalid.');
}

/**
 * Reads a verified body in the two steps of `#schemas/webhook.ts`. A body that is no event at all
 * is INVALID_REQUEST. A handled event whose subject is not what LemonSqueezy sends (another
 * `data.type`, an id that is not numeric, a date that is not a date, a number sent as text) is
 * INVALID_EVENT (400): it is refused here, before any service runs, so nothing is half-applied.
 */
function parseWireEvent(json: unknown): WireWebhookEvent {
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) throw new InvalidRequestError('The body is not a LemonSqueezy event.');
  const parsed = webhookEventSchema.safeParse(envelope.data);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.map(String).join('.') || 'data';
  // A plain DomainError: `isDomainError` recognises it by name, and the code alone says what it is.
  throw new DomainError(
    'INVALID_EVENT',
    `Field '${field}' of the event is missing or not what LemonSqueezy sends.`,
  );
}

const PAYMENT_OUTCOMES: Record<PaymentEventName, PaymentOutcome> = {
  subscription_payment_success: 'success',
  subscription_payment_recovered: 'recovered',
  subscription_payment_failed: 'failed',
  subscription_payment_refunded: 'refunded',
};

/**
 * The one translation of a LemonSqueezy event into domain terms. A function here rather than
 * schema transforms: the schema's output stays the wire's spelling (a schema's `z.infer` is the
 * wire type), and every domain name a wire field gets is given in this one place.
 */
function toWebhookEvent(wire: WireWebhookEvent): WebhookEvent {
  if (wire.event === 'unhandled') {
    return { kind: 'unhandled', name: wire.meta.event_name, type: wire.data.type };
  }
  const source = {
    name: wire.meta.event_name,
    storeId: wire.data.attributes.store_id,
    testMode: wire.meta.test_mode === true || wire.data.attributes.test_mode,
  };
  switch (wire.event) {
    case 'license_key_created':
    case 'license_key_updated': {
      const { id, attributes: key } = wire.data;
      const license = {
        licenseId: id,
        status: key.status,
        activationLimit: key.activation_limit,
        activationUsage: key.instances_count,
        expiresAt: key.expires_at,
        testMode: key.test_mode,
        storeId: key.store_id,
        orderId: key.order_id,
        orderItemId: key.order_item_id,
        productId: key.product_id,
        customerName: key.user_name,
        customerEmail: key.user_email,
        keyCase: keyCaseOf(key.key),
      };
      return {
        ...source,
        kind: 'license-key',
        licenseKey: key.key,
        license,
        updatedAt: key.updated_at,
      };
    }
    case 'subscription_created':
    case 'subscription_updated':
    case 'subscription_cancelled':
    case 'subscription_resumed':
    case 'subscription_expired':
    case 'subscription_paused':
    case 'subscription_unpaused': {
      const { id, attributes: sub } = wire.data;
      return {
        ...source,
        kind: 'subscription',
        subscription: {
          id,
          status: sub.status,
          renewsAt: sub.renews_at,
          endsAt: sub.ends_at,
          trialEndsAt: sub.trial_ends_at,
          pause: pauseOf(sub.pause),
        },
        orderId: sub.order_id,
        orderItemId: sub.order_item_id,
        productId: sub.product_id,
        variantId: sub.variant_id,
        updatedAt: sub.updated_at,
      };
    }
    case 'subscription_payment_success':
    case 'subscription_payment_recovered':
    case 'subscription_payment_failed':
    case 'subscription_payment_refunded': {
      const invoice = wire.data.attributes;
      return {
        ...source,
        kind: 'payment',
        subscriptionId: invoice.subscription_id,
        invoiceId: String(wire.data.id),
        outcome: PAYMENT_OUTCOMES[wire.event],
        at: invoice.updated_at,
        billedAt: invoice.created_at ?? invoice.updated_at,
        fullRefund: invoice.refunded || invoice.status === 'refunded',
      };
    }
    case 'order_refunded': {
      const { id, attributes: order } = wire.data;
      return {
        ...source,
        kind: 'order-refund',
        orderId: id,
        // A partial refund leaves `refunded` false and the order `paid`.
        fullRefund: order.refunded || order.status === 'refunded',
        refundedAt: order.refunded_at ?? order.updated_at,
      };
    }
    default: {
      const unknown: never = wire;
      throw new Error(`no translation for ${JSON.stringify(unknown)}`);
    }
  }
}

import * as z from 'zod';
import { DomainError } from '#domain/errors.ts';
import {
  invoiceAttributesSchema,
  licenseKeyAttributesSchema,
  orderAttributesSchema,
  resourceIdSchema,
  subscriptionAttributesSchema,
  type WebhookEnvelope,
} from '#schemas/webhook.ts';

export type LicenseKeyAttributes = z.infer<typeof licenseKeyAttributesSchema>;
export type SubscriptionAttributes = z.infer<typeof subscriptionAttributesSchema>;
export type InvoiceAttributes = z.infer<typeof invoiceAttributesSchema>;
export type OrderAttributes = z.infer<typeof orderAttributesSchema>;

export type PaymentEventName =
  | 'subscription_payment_success'
  | 'subscription_payment_recovered'
  | 'subscription_payment_failed'
  | 'subscription_payment_refunded';

/** A signed event we act on, with its subject's attributes parsed (dates as ISO-8601 UTC). */
export type WebhookEvent =
  | { kind: 'license-key'; id: string; attributes: LicenseKeyAttributes }
  | { kind: 'subscription'; id: string; attributes: SubscriptionAttributes }
  | { kind: 'payment'; name: PaymentEventName; id: string; attributes: InvoiceAttributes }
  | { kind: 'order-refund'; id: string; attributes: OrderAttributes }
  | { kind: 'unhandled'; name: string; type: string };

export type HandledEvent = Exclude<WebhookEvent, { kind: 'unhandled' }>;

/** Invoice ids are only recorded, never used as numbers or keys, so any short string does. */
const invoiceIdSchema = z.string().min(1).max(100);

/**
 * Reads a verified envelope as the event LemonSqueezy names (upstreams.md §3.4). A handled event
 * whose subject is not what LemonSqueezy sends (another `data.type`, an id that is not numeric,
 * a date that is not a date, a number sent as text) throws `INVALID_EVENT` (400): it is checked
 * before anything is written, so nothing half-applied is left behind.
 */
export function parseEvent(envelope: WebhookEnvelope): WebhookEvent {
  const name = envelope.meta.event_name;
  switch (name) {
    case 'license_key_created':
    case 'license_key_updated':
      return {
        kind: 'license-key',
        id: subject(envelope, 'license-keys', resourceIdSchema),
        attributes: attributesOf(envelope, licenseKeyAttributesSchema),
      };
    case 'subscription_created':
    case 'subscription_updated':
    case 'subscription_cancelled':
    case 'subscription_resumed':
    case 'subscription_expired':
    case 'subscription_paused':
    case 'subscription_unpaused':
      return {
        kind: 'subscription',
        id: subject(envelope, 'subscriptions', resourceIdSchema),
        attributes: attributesOf(envelope, subscriptionAttributesSchema),
      };
    case 'subscription_payment_success':
    case 'subscription_payment_recovered':
    case 'subscription_payment_failed':
    case 'subscription_payment_refunded':
      return {
        kind: 'payment',
        name,
        id: subject(envelope, 'subscription-invoices', invoiceIdSchema),
        attributes: attributesOf(envelope, invoiceAttributesSchema),
      };
    case 'order_refunded':
      return {
        kind: 'order-refund',
        id: subject(envelope, 'orders', resourceIdSchema),
        attributes: attributesOf(envelope, orderAttributesSchema),
      };
    default:
      // order_created, affiliate_activated, customer_updated, …: nothing to keep in step.
      return { kind: 'unhandled', name, type: envelope.data.type };
  }
}

function subject(envelope: WebhookEnvelope, type: string, idSchema: z.ZodType<string>): string {
  if (envelope.data.type !== type) throw invalidEvent('data.type');
  const id = idSchema.safeParse(envelope.data.id);
  if (!id.success) throw invalidEvent('data.id');
  return id.data;
}

function attributesOf<S extends z.ZodType>(envelope: WebhookEnvelope, schema: S): z.infer<S> {
  const parsed = schema.safeParse(envelope.data.attributes);
  if (parsed.success) return parsed.data;
  const path = parsed.error.issues[0]?.path.map(String).join('.');
  throw invalidEvent(path ? `data.attributes.${path}` : 'data.attributes');
}

// A plain DomainError: `isDomainError` recognises it by name, and the code alone says what it is.
function invalidEvent(field: string): DomainError {
  return new DomainError(
    'INVALID_EVENT',
    `Field '${field}' of the event is missing or not what LemonSqueezy sends.`,
  );
}

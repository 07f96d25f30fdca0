import * as z from 'zod';
import { LICENSE_STATUSES } from '#domain/license.ts';
import { SUBSCRIPTION_STATUSES } from '#domain/subscription.ts';

/**
 * LemonSqueezy webhook bodies (docs/upstreams.md, "LemonSqueezy webhooks"), read in two steps so
 * the answer can say what is wrong: the envelope (is this a LemonSqueezy event at all?), then the
 * event its name announces (is its subject what LemonSqueezy sends?). Only the fields the service
 * reads are checked; everything else passes untouched. Fields keep the wire's spelling: the one
 * translation into domain terms is `toWebhookEvent` in `lambda/http/webhook-request.ts`.
 */

const LICENSE_KEY_EVENTS = ['license_key_created', 'license_key_updated'] as const;
const SUBSCRIPTION_EVENTS = [
  'subscription_created',
  'subscription_updated',
  'subscription_cancelled',
  'subscription_resumed',
  'subscription_expired',
  'subscription_paused',
  'subscription_unpaused',
] as const;
const PAYMENT_EVENTS = [
  'subscription_payment_success',
  'subscription_payment_recovered',
  'subscription_payment_failed',
  'subscription_payment_refunded',
] as const;
export type PaymentEventName = (typeof PAYMENT_EVENTS)[number];

const HANDLED_EVENTS: ReadonlySet<string> = new Set<string>([
  ...LICENSE_KEY_EVENTS,
  ...SUBSCRIPTION_EVENTS,
  ...PAYMENT_EVENTS,
  'order_refunded',
]);

const meta = z.object({
  event_name: z.string().min(1).max(100),
  test_mode: z.boolean().nullable().optional(),
});

/**
 * Step 1, any event. zod discriminates on a top-level key only and LemonSqueezy names the event
 * in `meta`, so the name is lifted to `event`; a name we do not act on is lifted as `unhandled`,
 * so an event LemonSqueezy starts sending later is acknowledged rather than refused.
 */
export const webhookEnvelopeSchema = z
  .object({
    meta,
    data: z.object({
      type: z.string().min(1).max(100),
      id: z.union([z.string().min(1).max(100), z.number()]),
      attributes: z.record(z.string(), z.unknown()),
    }),
  })
  .transform((envelope) => ({
    ...envelope,
    event: HANDLED_EVENTS.has(envelope.meta.event_name) ? envelope.meta.event_name : 'unhandled',
  }));

/**
 * A license key's, subscription's or order's JSON:API `data.id`: numeric text (at most 15
 * digits, so exact as a number) or a number, never free text that would be stored as NaN.
 */
const resourceId = z.union([
  z
    .string()
    .regex(/^[1-9]\d{0,14}$/)
    .transform(Number),
  z.number().int().min(1).max(999_999_999_999_999),
]);

/** Invoice ids are only recorded, never used as numbers or keys, so any short id does. */
const invoiceId = z.union([z.string().min(1).max(100), z.number()]);

const id = z.number().int().nonnegative();

// `Date.parse` alone takes "1" or "2025" as dates; LemonSqueezy always starts with the day.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/**
 * A wire date (`2025-06-11T08:42:19.000000Z`) as plain ISO-8601 UTC, parsed here so no service
 * ever calls `new Date(…)` on wire text (an unparseable one would throw a RangeError: a 500).
 */
const time = z
  .string()
  .max(64)
  .refine((value) => DATE_TIME.test(value) && Number.isFinite(Date.parse(value)), 'Not a date')
  .transform((value) => new Date(value).toISOString());

/** A documented-nullable date: absent or null both read as null. */
const optionalTime = time.nullish().transform((value) => value ?? null);
const nullableText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);
/** Flags LemonSqueezy may send as null read as false. */
const flag = z
  .boolean()
  .nullish()
  .transform((value) => value ?? false);

const licenseKeyAttributes = z.object({
  store_id: id,
  order_id: id,
  order_item_id: id,
  product_id: id,
  user_name: nullableText,
  user_email: nullableText,
  key: z.string().min(1).max(256),
  /** null = unlimited. */
  activation_limit: id.nullish().transform((value) => value ?? null),
  // Real `license_key_created` events carry `"instances_count": null` before any activation.
  instances_count: id.nullish().transform((value) => value ?? 0),
  status: z.enum(LICENSE_STATUSES),
  expires_at: optionalTime,
  updated_at: time,
  test_mode: flag,
});

/**
 * A paused subscription's `pause` (`{mode, resumes_at}`, null otherwise). The mode is read as
 * text, not an enum: a mode LemonSqueezy adds later must not make the event unreadable (the
 * service reads anything but `free` as `void`).
 */
const pause = z
  .object({ mode: z.string().max(100).nullish(), resumes_at: optionalTime })
  .nullish()
  .transform((value) => value ?? null);

const subscriptionAttributes = z.object({
  store_id: id,
  order_id: id,
  order_item_id: id,
  product_id: id,
  variant_id: id,
  status: z.enum(SUBSCRIPTION_STATUSES),
  renews_at: optionalTime,
  ends_at: optionalTime,
  trial_ends_at: optionalTime,
  pause,
  updated_at: time,
  test_mode: flag,
});

/**
 * `subscription_payment_*` events carry invoices, not subscriptions (docs/upstreams.md, "Payment
 * events carry invoices"). `created_at` is when the invoice was billed: which period it paid for is
 * read from it.
 */
const invoiceAttributes = z.object({
  store_id: id,
  subscription_id: id,
  status: z.string().max(100),
  refunded: flag,
  created_at: optionalTime,
  updated_at: time,
  test_mode: flag,
});

const orderAttributes = z.object({
  store_id: id,
  status: z.string().max(100),
  refunded: flag,
  refunded_at: optionalTime,
  updated_at: time,
  test_mode: flag,
});

/** The JSON:API resource an event is about: its type is fixed by the event's name. */
function subject<Type extends string, Id extends z.ZodType, Attributes extends z.ZodType>(
  type: Type,
  resourceIdSchema: Id,
  attributes: Attributes,
) {
  return z.object({ type: z.literal(type), id: resourceIdSchema, attributes });
}

/**
 * Step 2, an envelope read as the event its name announces (docs/upstreams.md, "Events we handle").
 * Its issues are listed in field order, `data.type` then `data.id` then the attributes, so the
 * first one names the field that is off.
 */
export const webhookEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.enum(LICENSE_KEY_EVENTS),
    meta,
    data: subject('license-keys', resourceId, licenseKeyAttributes),
  }),
  z.object({
    event: z.enum(SUBSCRIPTION_EVENTS),
    meta,
    data: subject('subscriptions', resourceId, subscriptionAttributes),
  }),
  z.object({
    event: z.enum(PAYMENT_EVENTS),
    meta,
    data: subject('subscription-invoices', invoiceId, invoiceAttributes),
  }),
  z.object({
    event: z.literal('order_refunded'),
    meta,
    data: subject('orders', resourceId, orderAttributes),
  }),
  // order_created, affiliate_activated, customer_updated, …: nothing to keep in step.
  z.object({ event: z.literal('unhandled'), meta, data: z.object({ type: z.string() }) }),
]);

/** A LemonSqueezy event as the wire spells it, dates already ISO-8601 UTC. */
export type WireWebhookEvent = z.infer<typeof webhookEventSchema>;

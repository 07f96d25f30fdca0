import * as z from 'zod';
import { LICENSE_STATUSES, SUBSCRIPTION_STATUSES } from '#domain/license.ts';

/**
 * LemonSqueezy webhook bodies (upstreams.md §3): a JSON:API resource plus `meta`. Only the
 * fields the service reads are checked; everything else passes untouched.
 */
export const webhookEnvelopeSchema = z.object({
  meta: z.object({
    event_name: z.string().min(1).max(100),
    test_mode: z.boolean().nullable().optional(),
  }),
  data: z.object({
    type: z.string().min(1).max(100),
    id: z.union([z.string().min(1).max(100), z.number()]).transform(String),
    attributes: z.record(z.string(), z.unknown()),
  }),
});

export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

/**
 * One verified delivery: the envelope plus `deliveryId`, the hex SHA-256 of the signed raw
 * bytes. LemonSqueezy sends no event id, and a retry is byte-identical, so the bytes are the
 * only key that tells a redelivery from a different event stamped with the same second.
 */
export interface WebhookDelivery {
  deliveryId: string;
  event: WebhookEnvelope;
}

/**
 * A license key's, subscription's or order's JSON:API `data.id`: a numeric string (at most 15
 * digits, so `Number(id)` is exact), never free text that would be stored as NaN.
 */
export const resourceIdSchema = z.string().regex(/^[1-9]\d{0,14}$/);

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

export const licenseKeyAttributesSchema = z.object({
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

export const subscriptionAttributesSchema = z.object({
  store_id: id,
  order_id: id,
  order_item_id: id,
  product_id: id,
  variant_id: id,
  status: z.enum(SUBSCRIPTION_STATUSES),
  renews_at: optionalTime,
  ends_at: optionalTime,
  updated_at: time,
  test_mode: flag,
});

/** `subscription_payment_*` events carry invoices, not subscriptions (upstreams.md §5.8). */
export const invoiceAttributesSchema = z.object({
  store_id: id,
  subscription_id: id,
  status: z.string().max(100),
  updated_at: time,
  test_mode: flag,
});

export const orderAttributesSchema = z.object({
  store_id: id,
  status: z.string().max(100),
  refunded: flag,
  refunded_at: optionalTime,
  updated_at: time,
  test_mode: flag,
});

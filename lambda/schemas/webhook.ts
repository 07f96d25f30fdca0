import * as z from 'zod';

/**
 * LemonSqueezy webhook bodies (upstreams.md §3): a JSON:API resource plus `meta`. Only the
 * fields the service reads are checked; everything else passes untouched.
 */
export const webhookEnvelopeSchema = z.object({
  meta: z.object({
    event_name: z.string().min(1).max(100),
    test_mode: z.boolean().optional(),
  }),
  data: z.object({
    type: z.string().min(1).max(100),
    id: z.union([z.string().min(1).max(100), z.number()]).transform(String),
    attributes: z.record(z.string(), z.unknown()),
  }),
});

export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

const id = z.number().int();
const time = z.string().min(1);
const optionalTime = z.string().nullable().optional().default(null);
const testMode = z.boolean().optional().default(false);

export const licenseKeyAttributesSchema = z.object({
  store_id: id,
  order_id: id,
  order_item_id: id,
  product_id: id,
  user_name: z.string().nullable().optional().default(null),
  user_email: z.string().nullable().optional().default(null),
  key: z.string().min(1).max(256),
  activation_limit: z.number().nullable().optional().default(null),
  instances_count: z.number().optional().default(0),
  status: z.enum(['inactive', 'active', 'expired', 'disabled']),
  expires_at: optionalTime,
  updated_at: time,
  test_mode: testMode,
});

export const subscriptionAttributesSchema = z.object({
  store_id: id,
  order_id: id,
  order_item_id: id,
  product_id: id,
  variant_id: id,
  status: z.enum(['on_trial', 'active', 'paused', 'past_due', 'unpaid', 'cancelled', 'expired']),
  renews_at: optionalTime,
  ends_at: optionalTime,
  updated_at: time,
  test_mode: testMode,
});

/** `subscription_payment_*` events carry invoices, not subscriptions (upstreams.md §5.8). */
export const invoiceAttributesSchema = z.object({
  store_id: id,
  subscription_id: id,
  status: z.string(),
  updated_at: time,
  test_mode: testMode,
});

export const orderAttributesSchema = z.object({
  store_id: id,
  status: z.string(),
  refunded: z.boolean().optional().default(false),
  refunded_at: optionalTime,
  updated_at: time,
  test_mode: testMode,
});

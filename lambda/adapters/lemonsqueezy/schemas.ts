import * as z from 'zod';
import { LICENSE_STATUSES } from '#domain/license.ts';
import { pauseOf, SUBSCRIPTION_STATUSES, type Subscription } from '#domain/subscription.ts';

const licenseStatus = z.enum(LICENSE_STATUSES);

/**
 * A LemonSqueezy date (`2024-05-24T14:15:07.000000Z`) as plain ISO-8601 UTC, so the services
 * store and compare one format; absent or null reads as null, and one that is no date makes the
 * whole answer unusable (an upstream error) instead of a RangeError later.
 */
const isoDateOrNull = z
  .string()
  .refine((value) => Number.isFinite(Date.parse(value)), 'Not a date')
  .transform((value) => new Date(value).toISOString())
  .nullable()
  .optional()
  .default(null);

/** `license_key` of a License API answer (docs/upstreams.md, "The answer's shape"). */
const licenseKey = z.object({
  id: z.number(),
  // LemonSqueezy's own spelling of the key: licenses are filed under it (domain/license-key.ts).
  key: z.string().min(1).optional(),
  status: licenseStatus,
  activation_limit: z.number().nullable().optional().default(null),
  activation_usage: z.number().default(0),
  expires_at: isoDateOrNull,
  test_mode: z.boolean().optional().default(false),
});

const meta = z.object({
  store_id: z.number(),
  order_id: z.number(),
  order_item_id: z.number(),
  product_id: z.number(),
  variant_id: z.number(),
  customer_name: z.string().nullable().optional().default(null),
  customer_email: z.string().nullable().optional().default(null),
});

const instance = z.object({ id: z.string(), name: z.string() }).nullable().optional().default(null);

/**
 * Any License API answer that carries the key's facts (200, and the 400s for disabled, expired
 * or over-limit keys). The verdict field differs per endpoint, so it is read separately.
 */
export const licenseAnswerSchema = z.object({
  error: z.string().nullable().optional(),
  license_key: licenseKey,
  instance,
  meta,
});

export type LicenseAnswer = z.infer<typeof licenseAnswerSchema>;

const subscriptionStatus = z.enum(SUBSCRIPTION_STATUSES);

/** A JSON:API `subscriptions` resource (REST API), read as the domain's subscription. */
export const subscriptionResourceSchema = z
  .object({
    type: z.literal('subscriptions'),
    // JSON:API ids are text; a subscription's is its number (at most 15 digits: exact).
    id: z
      .string()
      .regex(/^[1-9]\d{0,14}$/)
      .transform(Number),
    attributes: z.object({
      status: subscriptionStatus,
      renews_at: isoDateOrNull,
      ends_at: isoDateOrNull,
      trial_ends_at: isoDateOrNull,
      // Read as text: a pause mode added later must not make the answer unusable.
      pause: z
        .object({ mode: z.string().nullish(), resumes_at: isoDateOrNull })
        .nullish()
        .transform((value) => value ?? null),
    }),
  })
  .transform(
    ({ id, attributes }): Subscription => ({
      id,
      status: attributes.status,
      renewsAt: attributes.renews_at,
      endsAt: attributes.ends_at,
      trialEndsAt: attributes.trial_ends_at,
      pause: pauseOf(attributes.pause),
    }),
  );

export const subscriptionDocumentSchema = z.object({ data: subscriptionResourceSchema });
export const subscriptionListSchema = z.object({ data: z.array(subscriptionResourceSchema) });

/**
 * `license-keys/:id` (REST): the key, which the License API calls take, and its status (a second
 * opinion on a License API refusal); `disabled` comes as a boolean or as 0/1.
 */
export const licenseKeyDocumentSchema = z.object({
  data: z.object({
    type: z.literal('license-keys'),
    attributes: z.object({
      key: z.string().min(1),
      status: licenseStatus.optional(),
      disabled: z.union([z.boolean(), z.number()]).nullable().optional(),
    }),
  }),
});

/**
 * `orders/:id` (REST), the same object an `order_refunded` webhook carries: what tells a full
 * refund (`refunded`, `status`), when (`refunded_at`, `updated_at`), and whose it is.
 */
export const orderDocumentSchema = z.object({
  data: z.object({
    type: z.literal('orders'),
    id: z
      .string()
      .regex(/^[1-9]\d{0,14}$/)
      .transform(Number),
    attributes: z.object({
      store_id: z.number(),
      status: z.string(),
      // Documented as a boolean; read as truthy like the license key's `disabled` (0/1, null).
      refunded: z.union([z.boolean(), z.number()]).nullish(),
      refunded_at: isoDateOrNull,
      updated_at: isoDateOrNull.pipe(z.string()),
      test_mode: z.boolean().nullish(),
    }),
  }),
});

/** `license-key-instances` (REST): `identifier` is the instance id the License API uses. */
export const instanceListSchema = z.object({
  data: z.array(
    z.object({
      type: z.literal('license-key-instances'),
      attributes: z.object({ identifier: z.string(), name: z.string() }),
    }),
  ),
});

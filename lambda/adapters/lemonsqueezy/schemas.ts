import * as z from 'zod';
import { LICENSE_STATUSES, SUBSCRIPTION_STATUSES } from '#domain/license.ts';

const licenseStatus = z.enum(LICENSE_STATUSES);

/** `license_key` of a License API answer (upstreams.md §1.3). */
const licenseKey = z.object({
  id: z.number(),
  status: licenseStatus,
  activation_limit: z.number().nullable().optional().default(null),
  activation_usage: z.number().default(0),
  expires_at: z.string().nullable().optional().default(null),
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

/** A JSON:API `subscriptions` resource (REST API), reduced to what the service uses. */
export const subscriptionResourceSchema = z.object({
  type: z.literal('subscriptions'),
  id: z.string(),
  attributes: z.object({
    status: subscriptionStatus,
    renews_at: z.string().nullable().optional().default(null),
    ends_at: z.string().nullable().optional().default(null),
  }),
});

export const subscriptionDocumentSchema = z.object({ data: subscriptionResourceSchema });
export const subscriptionListSchema = z.object({ data: z.array(subscriptionResourceSchema) });

/** `license-key-instances` (REST): `identifier` is the instance id the License API uses. */
export const instanceListSchema = z.object({
  data: z.array(
    z.object({
      type: z.literal('license-key-instances'),
      attributes: z.object({ identifier: z.string(), name: z.string() }),
    }),
  ),
});

import * as z from 'zod';

/**
 * FROZEN COPY, not today's code: the `LicenseRecord` of release/stop-29 (commit
 * 0dd3dd656809152a859d66d7b2eb69a1a4aa2ed1, lambda/domain/license.ts and subscription.ts), spelt
 * as a runtime check. That release's `fromItem` casts an item to this type and its code reads the
 * fields as typed here, so an item it cannot use fails this check: a required field missing or
 * of another type, or a top-level attribute it does not know. Nested objects are checked for
 * what that release reads, not closed: a nested rename is caught by the attribute-path
 * comparison with the fixture instead.
 */
const time = z.string();
const activation = { instanceId: z.string(), instanceName: z.string(), activatedAt: time };
const claim = z.object({ claimId: z.string(), claimedAt: time });

const slot = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('active'),
    ...activation,
    lastSeenAt: time.optional(),
    deactivation: claim.optional(),
  }),
  z.object({ state: z.literal('pending'), instanceName: z.string(), ...claim.shape }),
  z.object({
    state: z.literal('deactivated'),
    deactivatedAt: time,
    ...activation,
    lastSeenAt: time.optional(),
  }),
]);

const recordFields = {
  licenseHash: z.string(),
  kind: z.enum(['trial', 'lemonsqueezy']),
  plan: z.object({
    aiMode: z.enum(['saas', 'byok']),
    creditsUsd: z.number(),
    trialCreditsUsd: z.number().optional(),
    duration: z.enum(['weekly', 'monthly', 'quarterly', 'yearly', 'lifetime']),
    productName: z.string(),
    variantName: z.string(),
  }),
  status: z.enum(['inactive', 'active', 'expired', 'disabled']),
  expiresAt: time.nullable(),
  customerName: z.string().nullable(),
  customerEmail: z.string().nullable(),
  provider: z
    .object({
      licenseId: z.number(),
      storeId: z.number(),
      orderId: z.number(),
      orderItemId: z.number(),
      productId: z.number(),
      variantId: z.number(),
      activationLimit: z.number().nullable(),
      activationUsage: z.number(),
      testMode: z.boolean(),
      keyCase: z.enum(['upper', 'lower']).optional(),
    })
    .optional(),
  subscription: z
    .object({
      id: z.number(),
      status: z.enum([
        'on_trial',
        'active',
        'paused',
        'past_due',
        'unpaid',
        'cancelled',
        'expired',
      ]),
      renewsAt: time.nullable(),
      endsAt: time.nullable(),
      trialEndsAt: time.nullable().optional(),
      pause: z
        .object({ mode: z.enum(['free', 'void']), resumesAt: time.nullable() })
        .nullable()
        .optional(),
    })
    .optional(),
  statusCheckedAt: time,
  factsAsOf: time.optional(),
  subscriptionAsOf: time.optional(),
  refundedAt: time.optional(),
  orderCheckedAt: time.optional(),
  lastPayment: z.object({ invoiceId: z.string(), status: z.string(), at: time }).optional(),
  refundedPayments: z
    .array(z.object({ invoiceId: z.string(), billedAt: time, refundedAt: time }))
    .optional(),
  periodAnchor: time,
  devices: z.record(z.string(), slot),
  lastActivation: z.object(activation).optional(),
  licenseSeenAt: time.optional(),
  ai: z
    .object({
      hash: z.string(),
      token: z.string(),
      limit: z.number(),
      limitRemaining: z.number(),
      limitCheckedAt: time,
      periodEnd: time,
      issuedAt: time,
      disabledAt: time.optional(),
      usageAtDisable: z.number().optional(),
      intent: z
        .object({ to: z.enum(['enabled', 'disabled']), since: time, id: z.string() })
        .optional(),
    })
    .optional(),
  spentKeys: z
    .array(
      z.object({
        hash: z.string(),
        limit: z.number(),
        usage: z.number(),
        periodEnd: time,
        issuedAt: time,
        goneAt: time,
      }),
    )
    .optional(),
  aiHold: z.object({ at: time, actor: z.string() }).optional(),
  unconfirmedRefusal: z
    .object({ since: time, answer: z.enum(['not-found', 'disabled', 'expired']) })
    .optional(),
  newDevices: z.record(z.string(), time).optional(),
  newDevicesVersion: z.number().optional(),
  createdAt: time,
  updatedAt: time,
};

/**
 * The check, closed at the top level: an attribute that release does not know fails it unless
 * it is among `addedSince` (the fields today's shape declares new since that release), which
 * that release carries along unread.
 */
export function previousLicenseRecord(addedSince: readonly string[]) {
  const added = Object.fromEntries(addedSince.map((field) => [field, z.unknown()]));
  return z.strictObject({ ...recordFields, ...added });
}

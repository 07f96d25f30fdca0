import * as z from 'zod';
import { AI_MODES, type AiMode, PERIOD_DURATIONS, type PeriodDuration } from '#domain/license.ts';

const aiMode = z.enum(AI_MODES);
const periodDuration = z.enum(PERIOD_DURATIONS);

/** A feature a plan unlocks, as the client checks it (`ai`, `smart-compose`, `multi-account`). */
const featureCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits, dashes');

/**
 * What a plan grants beyond its AI credit: its features, and how long a client may rely on an
 * answer before asking again (`cache_hours`) and, offline, at most (`grace_days`).
 */
const planTerms = {
  entitlements: z.array(featureCode).max(50).default([]),
  cache_hours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  grace_days: z.number().nonnegative().max(90).default(7),
};

const variant = z.object({
  variant_id: z.number().int().positive(),
  credits_usd: z.number().nonnegative(),
  duration: periodDuration,
});

const product = z
  .object({
    product_id: z.number().int().positive(),
    ai_mode: aiMode,
    variants: z.record(z.string().min(1), variant),
    ...planTerms,
    /**
     * AI credit (USD) of the free trial period of a subscription sold with a LemonSqueezy trial
     * (`on_trial`, not paid yet); absent = the service trial's `credits_usd`. The plan's
     * `credits_usd` starts with the first paid period.
     */
    trial_credits_usd: z.number().nonnegative().optional(),
    /**
     * Device changes a license may make in any rolling 30 days beyond its seats: it may take a
     * seat on at most `activation_limit + device_changes` new devices in that window.
     */
    device_changes: z.number().int().nonnegative().max(100).default(3),
    /**
     * Devices not seen (no validate) for this many days are deactivated at LemonSqueezy by the
     * scheduled function, freeing their seats; absent = never. At least 2: a device in use is
     * recorded as seen at most once a day, so its sighting may be a day old.
     */
    release_after_days: z.number().int().min(2).max(3650).optional(),
  })
  .superRefine((value, context) => {
    if (value.ai_mode !== 'saas') return;
    for (const [name, entry] of Object.entries(value.variants)) {
      // A SaaS key must expire at the end of a billing period, so a period must exist.
      if (entry.duration === 'lifetime') {
        context.addIssue({
          code: 'custom',
          path: ['variants', name, 'duration'],
          message: 'a SaaS variant needs a finite duration (weekly, monthly, quarterly or yearly)',
        });
      }
    }
  });

/** The shape of `config/products.json` (the seed's shape, field for field). */
export const productsConfigSchema = z.object({
  store_id: z.number().int().positive(),
  trial: z.object({
    credits_usd: z.number().nonnegative(),
    duration_days: z.number().int().positive(),
    ai_mode: aiMode,
    ...planTerms,
  }),
  products: z.record(z.string().min(1), product),
});

export type ProductsConfig = z.infer<typeof productsConfigSchema>;

/** What the service needs to know about a purchased variant. */
export interface PlanVariant {
  productName: string;
  variantName: string;
  productId: number;
  variantId: number;
  aiMode: AiMode;
  creditsUsd: number;
  /** The credit of a LemonSqueezy free trial period of this product (`trial_credits_usd`). */
  trialCreditsUsd: number;
  duration: PeriodDuration;
}

/** Finds the configured plan for a LemonSqueezy product/variant pair, if we sell it. */
export function findPlanVariant(
  config: ProductsConfig,
  productId: number,
  variantId: number,
): PlanVariant | undefined {
  for (const [productName, entry] of Object.entries(config.products)) {
    if (entry.product_id !== productId) continue;
    for (const [variantName, item] of Object.entries(entry.variants)) {
      if (item.variant_id !== variantId) continue;
      return {
        productName,
        variantName,
        productId,
        variantId,
        aiMode: entry.ai_mode,
        creditsUsd: item.credits_usd,
        trialCreditsUsd: entry.trial_credits_usd ?? config.trial.credits_usd,
        duration: item.duration,
      };
    }
  }
  return undefined;
}

/** A plan's features and offline windows, in the units the services use. */
export interface PlanTerms {
  entitlements: string[];
  cacheMs: number;
  graceMs: number;
  /** New devices allowed in a rolling window beyond the seats (trials: none, one device). */
  deviceChanges: number;
  /** How long a device may go unseen before its seat is freed; undefined = kept for ever. */
  releaseAfterMs: number | undefined;
}

const HOUR_MS = 3_600_000;

/**
 * The terms of a license's plan, read from config at answer time (so a feature added to a plan
 * reaches every license of it at its next validate). Trials take the trial's; a product no longer
 * in config keeps the defaults and no features.
 */
export function planTermsOf(
  config: ProductsConfig,
  kind: 'trial' | 'lemonsqueezy',
  productName: string,
): PlanTerms {
  const terms =
    kind === 'trial'
      ? config.trial
      : Object.hasOwn(config.products, productName)
        ? config.products[productName]
        : undefined;
  return {
    entitlements: terms ? [...terms.entitlements] : [],
    cacheMs: (terms?.cache_hours ?? 24) * HOUR_MS,
    graceMs: (terms?.grace_days ?? 7) * 24 * HOUR_MS,
    deviceChanges: terms && 'device_changes' in terms ? terms.device_changes : 3,
    releaseAfterMs:
      terms && 'release_after_days' in terms && terms.release_after_days !== undefined
        ? terms.release_after_days * 24 * HOUR_MS
        : undefined,
  };
}

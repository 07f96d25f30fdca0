import * as z from 'zod';
import { AI_MODES, type AiMode, PERIOD_DURATIONS, type PeriodDuration } from '#domain/license.ts';

const aiMode = z.enum(AI_MODES);
const periodDuration = z.enum(PERIOD_DURATIONS);

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
        duration: item.duration,
      };
    }
  }
  return undefined;
}

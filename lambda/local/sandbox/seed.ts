import type { ProductsConfig } from '#config/products-schema.ts';
import type { AiMode } from '#domain/license.ts';
import { addPeriods } from '#domain/period.ts';
import type { LemonSqueezyDouble } from './lemonsqueezy-double.ts';

export interface SandboxKey {
  product: string;
  variant: string;
  aiMode: AiMode;
  licenseKey: string;
}

/**
 * One LemonSqueezy license per configured plan variant in the sandbox, so a newcomer can try a
 * SaaS and a BYOK activation at once. Finite SaaS plans are sold as subscriptions renewing one
 * period from now, like the real store would.
 */
export function seedSandboxLicenses(
  lemonSqueezy: LemonSqueezyDouble,
  products: ProductsConfig,
  now: Date,
): SandboxKey[] {
  const keys: SandboxKey[] = [];
  for (const [product, entry] of Object.entries(products.products)) {
    for (const [variant, item] of Object.entries(entry.variants)) {
      const subscription =
        item.duration === 'lifetime'
          ? undefined
          : {
              status: 'active' as const,
              renewsAt: addPeriods(now, item.duration, 1).toISOString(),
            };
      const seeded = lemonSqueezy.addLicense({
        storeId: products.store_id,
        productId: entry.product_id,
        variantId: item.variant_id,
        productName: product,
        variantName: variant,
        customerName: 'Sandy Box',
        customerEmail: `${product}.${variant}@sandbox.example`,
        activationLimit: 3,
        ...(subscription ? { subscription } : {}),
      });
      keys.push({ product, variant, aiMode: entry.ai_mode, licenseKey: seeded.key });
    }
  }
  return keys;
}

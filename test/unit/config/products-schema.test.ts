import { describe, expect, it } from 'vitest';
import products from '#config/products.json' with { type: 'json' };
import {
  findPlanVariant,
  type ProductsConfig,
  planTermsOf,
  productsConfigSchema,
} from '#config/products-schema.ts';

function saasProduct(duration: string) {
  return {
    store_id: 1,
    trial: { credits_usd: 2, duration_days: 30, ai_mode: 'saas' },
    products: {
      ai_subscription: {
        product_id: 10,
        ai_mode: 'saas',
        variants: { forever: { variant_id: 20, credits_usd: 6, duration } },
      },
    },
  };
}

describe('productsConfigSchema', () => {
  it('parses the shipped config/products.json', () => {
    // Act
    const result = productsConfigSchema.safeParse(products);

    // Assess
    expect(result.success).toBe(true);
  });

  it('refuses a SaaS variant with a lifetime duration, naming its path', () => {
    // Act
    const result = productsConfigSchema.safeParse(saasProduct('lifetime'));

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['products', 'ai_subscription', 'variants', 'forever', 'duration'],
        message: expect.stringMatching(/finite duration/),
      }),
    ]);
  });

  it.each(['weekly', 'monthly', 'quarterly', 'yearly'])('accepts a %s SaaS variant', (duration) => {
    // Act
    const result = productsConfigSchema.safeParse(saasProduct(duration));

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts a lifetime BYOK variant', () => {
    // Prepare
    const config = saasProduct('lifetime');
    config.products.ai_subscription.ai_mode = 'byok';

    // Act
    const result = productsConfigSchema.safeParse(config);

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['an unknown duration', saasProduct('daily')],
    ['a negative store id', { ...saasProduct('monthly'), store_id: -1 }],
    ['a missing store id', { ...saasProduct('monthly'), store_id: undefined }],
    [
      'a product without variants',
      { ...saasProduct('monthly'), products: { x: { product_id: 1 } } },
    ],
  ])('refuses %s', (_case, config) => {
    // Act
    const result = productsConfigSchema.safeParse(config);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('findPlanVariant', () => {
  const config: ProductsConfig = productsConfigSchema.parse(products);

  it('finds the shipped monthly SaaS variant', () => {
    // Act
    const plan = findPlanVariant(config, 697533, 1097689);

    // Assess
    expect(plan).toEqual({
      productName: 'ai_subscription',
      variantName: 'starter_monthly',
      productId: 697533,
      variantId: 1097689,
      aiMode: 'saas',
      creditsUsd: 6,
      trialCreditsUsd: 2,
      duration: 'monthly',
    });
  });

  it('finds the shipped lifetime BYOK variant', () => {
    // Act
    const plan = findPlanVariant(config, 697540, 1097701);

    // Assess
    expect(plan).toMatchObject({ aiMode: 'byok', duration: 'lifetime', creditsUsd: 0 });
  });

  it.each([
    ['an unknown product', 1, 1097689],
    ['an unknown variant', 697533, 1],
    ['a variant of another product', 697533, 1097701],
  ])('returns undefined for %s', (_case, productId, variantId) => {
    // Act
    const plan = findPlanVariant(config, productId, variantId);

    // Assess
    expect(plan).toBeUndefined();
  });
});

describe('planTermsOf', () => {
  const config = productsConfigSchema.parse(saasProduct('monthly'));

  it('fills in the defaults: no features, a day of cache, a week of grace', () => {
    // Act
    const terms = planTermsOf(config, 'lemonsqueezy', 'ai_subscription');

    // Assess
    expect(terms).toEqual({
      entitlements: [],
      cacheMs: 24 * 3_600_000,
      graceMs: 7 * 86_400_000,
      deviceChanges: 3,
      releaseAfterMs: undefined,
    });
  });

  it('reads release_after_days in milliseconds; a trial never releases its device', () => {
    // Prepare
    const raw = saasProduct('monthly');
    const withRelease = productsConfigSchema.parse({
      ...raw,
      products: {
        ai_subscription: { ...raw.products.ai_subscription, release_after_days: 60 },
      },
    });

    // Act
    const product = planTermsOf(withRelease, 'lemonsqueezy', 'ai_subscription');
    const trial = planTermsOf(withRelease, 'trial', 'trial');

    // Assess
    expect(product.releaseAfterMs).toBe(60 * 86_400_000);
    expect(trial.releaseAfterMs).toBeUndefined();
  });

  it.each([1, 0, 2.5, '30'])(
    'refuses release_after_days %j (a day or less would free devices in use)',
    (days) => {
      // Prepare
      const raw = saasProduct('monthly');
      const bad = {
        ...raw,
        products: {
          ai_subscription: { ...raw.products.ai_subscription, release_after_days: days },
        },
      };

      // Act
      const result = productsConfigSchema.safeParse(bad);

      // Assess
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([
        'products',
        'ai_subscription',
        'release_after_days',
      ]);
    },
  );

  it.each(['__proto__', 'constructor', 'toString', 'gone_product'])(
    'reads a product named %j that config does not have as the defaults',
    (productName) => {
      // Act
      const terms = planTermsOf(config, 'lemonsqueezy', productName);

      // Assess
      expect(terms.entitlements).toEqual([]);
      expect(terms.graceMs).toBe(7 * 86_400_000);
    },
  );

  it('refuses a feature code that is not lower-case letters, digits and dashes', () => {
    // Prepare
    const raw = saasProduct('monthly');
    const bad = { ...raw, trial: { ...raw.trial, entitlements: ['Smart Compose'] } };

    // Act
    const result = productsConfigSchema.safeParse(bad);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['trial', 'entitlements', 0]);
  });
});

describe('trial_credits_usd (a LemonSqueezy free trial of a product)', () => {
  it("defaults to the service trial's credits_usd", () => {
    // Prepare
    const config = productsConfigSchema.parse(saasProduct('monthly'));

    // Act
    const plan = findPlanVariant(config, 10, 20);

    // Assess
    expect([plan?.creditsUsd, plan?.trialCreditsUsd]).toEqual([6, 2]);
  });

  it("takes the product's own trial_credits_usd when set", () => {
    // Prepare
    const raw = saasProduct('monthly');
    const config = productsConfigSchema.parse({
      ...raw,
      products: {
        ai_subscription: { ...raw.products.ai_subscription, trial_credits_usd: 0.5 },
      },
    });

    // Act
    const plan = findPlanVariant(config, 10, 20);

    // Assess
    expect(plan?.trialCreditsUsd).toBe(0.5);
  });

  it('refuses a negative trial credit', () => {
    // Prepare
    const raw = saasProduct('monthly');

    // Act
    const result = productsConfigSchema.safeParse({
      ...raw,
      products: { ai_subscription: { ...raw.products.ai_subscription, trial_credits_usd: -1 } },
    });

    // Assess
    expect(result.success).toBe(false);
  });
});

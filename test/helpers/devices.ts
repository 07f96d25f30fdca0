import type { ProductsConfig } from '#config/products-schema.ts';
import { licenseHashOf } from '#domain/license.ts';
import { PLANS, saasLicenseWithSeats, type TestStack } from '#test/helpers/test-stack.ts';

/** A SaaS license with two seats, activated on two new devices (`first` activated first). */
export async function twoDevices(stack: TestStack) {
  const { license, activate } = saasLicenseWithSeats(stack, 2);
  const first = await activate();
  const second = await activate();
  return { license, first, second };
}

/** The stored slot of `instanceName` (read from the table, not through our store). */
export async function storedSlot(stack: TestStack, licenseKey: string, instanceName: string) {
  const item = (await stack.items()).find(
    (candidate) =>
      candidate.licenseHash === licenseHashOf(licenseKey) && candidate.sk === 'LICENSE',
  );
  const slots = Object.values((item?.devices ?? {}) as Record<string, Record<string, unknown>>);
  return {
    slot: slots.find((candidate) => candidate.instanceName === instanceName),
    usage: (item?.provider as { activationUsage?: number } | undefined)?.activationUsage,
  };
}

/** The products config with `release_after_days` set on the SaaS test plan's product. */
export function withReleaseAfter(products: ProductsConfig, days: number): ProductsConfig {
  const entry = Object.entries(products.products).find(
    ([, product]) => product.product_id === PLANS.saas.productId,
  );
  if (!entry) throw new Error('no SaaS test product in config');
  const [name, product] = entry;
  return {
    ...products,
    products: { ...products.products, [name]: { ...product, release_after_days: days } },
  };
}

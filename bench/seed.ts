import { randomUUID } from 'node:crypto';
import { productsConfig } from '#config/products.ts';
import { licenseHashOf } from '#domain/license.ts';
import { addPeriods } from '#domain/period.ts';
import { type BenchStack, invoke } from './stack.ts';
import { mapLimit } from './stats.ts';

const saas = productsConfig.products.ai_subscription;
const monthly = saas?.variants.starter_monthly;
if (!saas || !monthly) throw new Error('config/products.json lost its SaaS monthly plan');

/** The SaaS monthly plan of config/products.json, as the LemonSqueezy double sells it. */
export const SAAS_PLAN = {
  storeId: productsConfig.store_id,
  productId: saas.product_id,
  variantId: monthly.variant_id,
  duration: monthly.duration,
};

export interface BenchLicense {
  key: string;
  licenseHash: string;
  device: string;
  subscriptionId: number;
  renewsAt: Date;
}

/** A device id shaped like RAVN Mail's (64 hex). */
export function deviceId(): string {
  return randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');
}

/** A SaaS license with an active subscription renewing at `renewsAt`, not yet activated. */
export function seedSaasLicense(stack: BenchStack, index: number, renewsAt: Date): BenchLicense {
  const seeded = stack.lemonSqueezy.addLicense({
    storeId: SAAS_PLAN.storeId,
    productId: SAAS_PLAN.productId,
    variantId: SAAS_PLAN.variantId,
    customerName: `Bench Customer ${index}`,
    customerEmail: `bench-${index}@example.com`,
    activationLimit: 3,
    subscription: { status: 'active', renewsAt: renewsAt.toISOString() },
  });
  if (seeded.subscriptionId === undefined) throw new Error('the double made no subscription');
  return {
    key: seeded.key,
    licenseHash: licenseHashOf(seeded.key),
    device: deviceId(),
    subscriptionId: seeded.subscriptionId,
    renewsAt,
  };
}

/** Activates the license on its device through the handler; anything but 200 stops the run. */
export async function activateLicense(stack: BenchStack, license: BenchLicense): Promise<void> {
  const answer = await invoke(stack.activate, '/v1/activate', {
    licenseKey: license.key,
    instanceName: license.device,
  });
  if (answer.status !== 200) {
    throw new Error(`seeding activation answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

/** What a real renewal does at LemonSqueezy: the subscription's renews_at moves a period on. */
export function renew(stack: BenchStack, license: BenchLicense): void {
  license.renewsAt = addPeriods(license.renewsAt, SAAS_PLAN.duration, 1);
  stack.lemonSqueezy.updateSubscription(license.subscriptionId, {
    renewsAt: license.renewsAt.toISOString(),
  });
}

/** The stored license's table key (see config/table.ts). */
export const licenseItemKey = (license: BenchLicense) => ({
  pk: `LICENSE#${license.licenseHash}`,
  sk: 'LICENSE',
});

/** `count` SaaS licenses renewing a month from now, each activated on one device. */
export async function seedActivatedLicenses(
  stack: BenchStack,
  count: number,
): Promise<BenchLicense[]> {
  const renewsAt = addPeriods(new Date(), SAAS_PLAN.duration, 1);
  const licenses = Array.from({ length: count }, (_, index) =>
    seedSaasLicense(stack, index, renewsAt),
  );
  await mapLimit(licenses, 8, (license) => activateLicense(stack, license));
  return licenses;
}

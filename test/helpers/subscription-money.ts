import { licenseHashOf } from '#domain/license.ts';
import { addPeriods } from '#domain/period.ts';
import { DAY } from '#local/manual-clock.ts';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import { deviceId, seedLicense, type TestStack } from '#test/helpers/test-stack.ts';

/** The plan's credit and the trial credit of config/products.json (ai_subscription, default). */
export const PLAN_CREDIT_USD = 6;
export const TRIAL_CREDIT_USD = 2;

/** A SaaS license whose subscription starts in LemonSqueezy's free trial, ending `days` from now. */
export function seedTrialSubscription(stack: TestStack, days = 14) {
  const trialEndsAt = new Date(stack.clock.now().getTime() + days * DAY).toISOString();
  const license = seedLicense(stack, 'saas', {
    subscription: { status: 'on_trial', renewsAt: trialEndsAt },
  });
  return { license, trialEndsAt };
}

/** Activates `license` on a new device; the answer must be a 200. */
export async function activate(stack: TestStack, license: SeededLicense) {
  const response = await stack.post('/v1/activate', {
    instanceName: deviceId(),
    licenseKey: license.key,
  });
  if (response.status !== 200) throw new Error(`activation failed: ${response.text}`);
  return response;
}

/**
 * The subscription is paid for one more month at the LemonSqueezy double, as a payment does:
 * `active`, renewing a calendar month after `from` (the boundary the payment opens).
 */
export function payAtLemonSqueezy(stack: TestStack, license: SeededLicense, from: string): string {
  const renewsAt = addPeriods(new Date(from), 'monthly', 1).toISOString();
  stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
    status: 'active',
    renewsAt,
    endsAt: null,
  });
  return renewsAt;
}

/** What the OpenRouter double holds of every key issued for the license, oldest first. */
export function keysOfLicense(stack: TestStack, license: SeededLicense) {
  const hash = licenseHashOf(license.key);
  return stack.openRouter.keys().filter((key) => key.name.includes(hash));
}

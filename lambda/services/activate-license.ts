import { checkLicense } from '#domain/license-rules.ts';
import { isTrialKey, licenseHashOf } from '#domain/secrets.ts';
import { activateDevice, type DeviceRequest } from './activate-device.ts';
import { type LicenseView, type Outcome, refused } from './outcome.ts';
import { checkSellable, newLicenseRecord, toProviderFacts } from './provider-facts.ts';
import { revokeKey } from './rotate-key.ts';
import { pickDevice, serveLicense } from './serve-license.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Activates a license key on a device.
 * Trial keys: answer the trial on its own device only.
 * LemonSqueezy keys:
 * 1. validate upstream (uses no seat) and refuse keys that are unknown, not ours, test-mode,
 *    disabled or expired;
 * 2. store what LemonSqueezy said (the first time, create the license; SaaS plans also look up
 *    the subscription whose `renews_at` ends the credit period) and link its order and
 *    subscription to it for webhooks;
 * 3. give the device a seat (idempotent per device, one upstream activation);
 * 4. serve the license: the SaaS key of the current period, created now if needed.
 */
export async function activateLicense(
  deps: ServiceDeps,
  request: DeviceRequest,
): Promise<Outcome<LicenseView>> {
  if (isTrialKey(request.licenseKey)) return activateTrial(deps, request);

  const answer = await deps.provider.validate(request.licenseKey);
  if (!answer.found) return refused('LICENSE_NOT_FOUND', 'This license key does not exist.');
  const sellable = checkSellable(deps, answer.license);
  if (!sellable.ok) return refused(sellable.code, sellable.detail);

  const now = deps.clock.now();
  const subscription =
    sellable.plan.aiMode === 'saas'
      ? await deps.provider.findSubscription(answer.license.orderId, answer.license.orderItemId)
      : undefined;
  const facts = toProviderFacts(answer.license, sellable.plan, subscription, now);
  const licenseHash = licenseHashOf(request.licenseKey);
  const license = await deps.store.saveProviderFacts(
    newLicenseRecord(licenseHash, facts, now),
    facts,
  );
  // Webhooks name orders and subscriptions, never license keys: remember which license they mean.
  await Promise.all([
    deps.webhooks.linkLicense('order', String(answer.license.orderId), licenseHash),
    subscription && deps.webhooks.linkLicense('subscription', String(subscription.id), licenseHash),
  ]);

  const verdict = checkLicense(license, now, 'activate');
  if (!verdict.ok) {
    await revokeKey(deps, license);
    return refused(verdict.code, verdict.detail);
  }
  const seat = await activateDevice(deps, license, request);
  if (!seat.ok) return seat;
  return serveLicense(deps, seat.value.license, seat.value.device, request.licenseKey, 'activate');
}

async function activateTrial(
  deps: ServiceDeps,
  request: DeviceRequest,
): Promise<Outcome<LicenseView>> {
  const license = await deps.store.get(licenseHashOf(request.licenseKey));
  if (license?.kind !== 'trial') {
    return refused('LICENSE_NOT_FOUND', 'This license key does not exist.');
  }
  const device = pickDevice(license, { instanceName: request.instanceName });
  if (!device) return refused('INSTANCE_MISMATCH', 'This trial belongs to another device.');
  return serveLicense(deps, license, device, request.licenseKey, 'activate');
}

import { activeDevices, slotOf } from '#domain/device-slots.ts';
import type { Activation, LicenseRecord, ProviderLicense } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ProviderAnswer } from '#ports/license-provider.ts';
import type { ServiceDeps } from './service-deps.ts';

/*
 * Seats LemonSqueezy holds that our record may not show: an activation that went through upstream
 * and was never recorded (its answer lost, the function dead), and what recovers them.
 */
/**
 * Recording the seat failed with no answer we can read: it may still have committed (its answer
 * lost, every retry refused). The stored license says: the device is recorded (carry on), or it
 * is not (`undo`: free the seat, give the claim back, and throw). If even that read fails, the
 * pending claim stays; once its lease is past, the reconciler frees or adopts the seat and the
 * device's own retry adopts it (`adoptLostSeat`). Freeing a seat that may be recorded would leave
 * a device served as active without one.
 */
export async function recordedAfterAll(
  deps: ServiceDeps,
  licenseHash: string,
  device: Activation,
  error: unknown,
  undo: () => Promise<void>,
): Promise<LicenseRecord> {
  const now = await deps.store.get(licenseHash).catch(() => null);
  const slot = now ? slotOf(now, device.instanceName) : undefined;
  if (now && slot?.state === 'active' && slot.instanceId === device.instanceId) return now;
  if (now === null) {
    deps.logger.warn('seat recorded or not: left to the reconciler', {
      license: shortHash(licenseHash),
      instanceId: device.instanceId,
    });
  } else {
    await undo();
  }
  throw error;
}

/** The stored LemonSqueezy facts with the seat count an answer just gave. */
export function answeredProvider(license: LicenseRecord, answered: ProviderLicense) {
  return license.provider
    ? { ...license.provider, activationUsage: answered.activationUsage }
    : undefined;
}

/**
 * LemonSqueezy holds more seats than we have recorded: an earlier activation of this device may
 * have succeeded upstream after we gave up waiting for its answer. Re-using that instance (same
 * name, unknown to us) keeps one seat per device; activating again would burn a second one.
 */
export async function adoptLostSeat(
  deps: ServiceDeps,
  license: LicenseRecord,
  instanceName: string,
): Promise<ProviderAnswer | undefined> {
  const upstream = license.provider;
  const known = activeDevices(license);
  if (!upstream || upstream.activationUsage <= known.length) return undefined;
  const knownIds = new Set(known.map((device) => device.instanceId));
  const instances = await deps.provider.listInstances(upstream.licenseId);
  const lost = instances.find(
    (instance) => instance.name === instanceName && !knownIds.has(instance.id),
  );
  if (!lost) return undefined;
  deps.logger.info('adopting a seat LemonSqueezy already holds for this device', {
    instanceId: lost.id,
  });
  return {
    found: true,
    accepted: true,
    instance: lost,
    license: {
      licenseId: upstream.licenseId,
      status: 'active',
      activationLimit: upstream.activationLimit,
      activationUsage: upstream.activationUsage,
      expiresAt: license.expiresAt,
      testMode: upstream.testMode,
      storeId: upstream.storeId,
      orderId: upstream.orderId,
      orderItemId: upstream.orderItemId,
      productId: upstream.productId,
      variantId: upstream.variantId,
      customerName: license.customerName,
      customerEmail: license.customerEmail,
    },
  };
}

export async function undoActivation(
  deps: ServiceDeps,
  licenseKey: string,
  instanceId: string,
): Promise<void> {
  const leftInUse = (reason: string) =>
    deps.logger.error('seat left in use at LemonSqueezy: deactivate it by hand', {
      instanceId,
      reason,
    });
  try {
    const answer = await deps.provider.deactivate(licenseKey, instanceId);
    if (!answer.freed) leftInUse(`the key is ${answer.license.status}`);
  } catch (error) {
    leftInUse(error instanceof Error ? error.message : 'unknown');
  }
}

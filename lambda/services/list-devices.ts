import { type LicenseDevices, listedDevices } from '#domain/devices.ts';
import type { Outcome } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import type { DevicesRequest } from '#schemas/devices.ts';
import { storedLicenseFor } from './license-lookup.ts';
import { type LimitDeps, refuseUnknownKey } from './rate-limit.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The devices of the license whose key is sent, active and deactivated, from one read of its
 * own item (no upstream call): a license never activated here → LICENSE_NOT_FOUND, as validate
 * (counted against the caller's IP limit on unknown keys).
 */
export async function listDevices(
  deps: Pick<ServiceDeps, 'store'> & LimitDeps,
  request: DevicesRequest & FromCaller,
): Promise<Outcome<LicenseDevices>> {
  const license = await storedLicenseFor(deps, request.licenseKey);
  if (!license?.lastActivation) return refuseUnknownKey(deps, request.caller);
  return { ok: true, value: { license, devices: listedDevices(license) } };
}

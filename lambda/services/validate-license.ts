import { activeDevices } from '#domain/license.ts';
import { licenseHashOf } from '#domain/secrets.ts';
import { type LicenseView, type Outcome, refused } from './outcome.ts';
import { refreshLicense } from './refresh-license.ts';
import { pickDevice, serveLicense } from './serve-license.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface ValidateRequest {
  licenseKey: string;
  instanceName?: string | undefined;
  instanceId?: string | undefined;
}

/**
 * Re-validates an activated license.
 * 1. unknown here, or never activated → LICENSE_NOT_FOUND;
 * 2. a device named in the request must be one of the license's activations;
 * 3. LemonSqueezy licenses: refresh the status when stale or when the key is due (see
 *    refreshLicense for the TTL and the grace when LemonSqueezy is down);
 * 4. serve: refuse (and revoke the key) when inactive, else the period's key with fresh usage,
 *    rotated exactly once when the period has ended.
 */
export async function validateLicense(
  deps: ServiceDeps,
  request: ValidateRequest,
): Promise<Outcome<LicenseView>> {
  const license = await deps.store.get(licenseHashOf(request.licenseKey));
  if (!license || activeDevices(license).length === 0) {
    return refused('LICENSE_NOT_FOUND', 'This license key has not been activated here.');
  }
  const device = pickDevice(license, request);
  if (!device)
    return refused('INSTANCE_MISMATCH', 'This device is not activated on this license key.');
  const checked = await refreshLicense(deps, license, request.licenseKey);
  return serveLicense(deps, checked, device, request.licenseKey, 'validate');
}

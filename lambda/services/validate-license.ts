import {
  type Activation,
  type DeviceWanted,
  devicesIn,
  isDeviceWanted,
  type LicenseRecord,
} from '#domain/license.ts';
import { licenseHashOf } from '#domain/secrets.ts';
import type { ValidateRequest } from '#schemas/validate.ts';
import { type LicenseView, type Outcome, refused } from './outcome.ts';
import { refreshLicense } from './refresh-license.ts';
import { revokeKey } from './rotate-key.ts';
import { pickDevice, serveLicense, toView } from './serve-license.ts';
import type { ServiceDeps } from './service-deps.ts';

const DEACTIVATED = {
  code: 'DEVICE_DEACTIVATED',
  detail: 'This device was deactivated at LemonSqueezy; activate the license again.',
} as const;

/**
 * Re-validates an activated license.
 * 1. unknown here, or never activated → LICENSE_NOT_FOUND;
 * 2. a device named in the request must be one of the license's devices;
 * 3. LemonSqueezy licenses: refresh the status (and the devices) when stale or when the key is
 *    due (see refreshLicense for the TTL and the grace when LemonSqueezy is down);
 * 4. a device whose instance LemonSqueezy no longer holds is answered `suspended` with
 *    DEVICE_DEACTIVATED (I3); so is a license none of whose devices holds a seat any more;
 * 5. serve: `expired`/`suspended` (and the key disabled) when the license can no longer be used,
 *    else the period's key with fresh usage.
 */
export async function validateLicense(
  deps: ServiceDeps,
  request: ValidateRequest,
): Promise<Outcome<LicenseView>> {
  const license = await deps.store.get(licenseHashOf(request.licenseKey));
  if (!license?.lastActivation) {
    return refused('LICENSE_NOT_FOUND', 'This license key has not been activated here.');
  }
  if (!pickDevice(license, request) && !namedDeactivated(license, request)) {
    return refused('INSTANCE_MISMATCH', 'This device is not activated on this license key.');
  }
  const checked = await refreshLicense(deps, license, request.licenseKey);
  const device = pickDevice(checked, request);
  if (!device) {
    // A device deactivated long ago is forgotten (bounded item size); the last activation stands in.
    const named = request.instanceName !== undefined || request.instanceId !== undefined;
    const gone = named
      ? namedDeactivated(checked, request)
      : (devicesIn(checked, 'deactivated')[0] ?? checked.lastActivation);
    if (!gone)
      return refused('INSTANCE_MISMATCH', 'This device is not activated on this license key.');
    // No seat left here: no token either (the key is kept, disabled, for a re-activation, I1).
    const revoked = pickDevice(checked, {}) ? checked : await revokeKey(deps, checked);
    return {
      ok: true,
      value: toView(revoked, gone, request.licenseKey, { reason: DEACTIVATED }),
    };
  }
  return serveLicense(deps, checked, device, request.licenseKey, 'validate');
}

/** The deactivated device the request names, if it names one. */
function namedDeactivated(license: LicenseRecord, wanted: DeviceWanted): Activation | undefined {
  if (wanted.instanceName === undefined && wanted.instanceId === undefined) return undefined;
  // The last activation stays known after its forgotten slot: it is deactivated unless active.
  const last = license.lastActivation;
  const lastGone = last && !pickDevice(license, { instanceId: last.instanceId }) ? [last] : [];
  return [...devicesIn(license, 'deactivated'), ...lastGone].find((device) =>
    isDeviceWanted(device, wanted),
  );
}

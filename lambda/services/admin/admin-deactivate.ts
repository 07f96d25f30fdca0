import type { DeviceDeactivation } from '#domain/devices.ts';
import { type Outcome, refused } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import type { AdminDeactivateRequest } from '#schemas/admin.ts';
import { deactivateDevice } from '../deactivate-device.ts';
import type { AdminDeps, FromActor } from './admin-deps.ts';
import { licenseState, recordAudit } from './audit-trail.ts';
import { findOneLicense, licenseKeyFor } from './find-license.ts';

/**
 * Frees a device's seat for the customer, exactly as `POST /v1/deactivate` does (the same claim,
 * one LemonSqueezy deactivation however often asked). Named by email, the license key is read
 * from LemonSqueezy's REST API first (we keep only its hash).
 */
export async function adminDeactivateDevice(
  deps: AdminDeps,
  request: AdminDeactivateRequest & FromActor & FromCaller,
): Promise<Outcome<DeviceDeactivation>> {
  const license = await findOneLicense(deps, request);
  if (!license) return refused('LICENSE_NOT_FOUND', 'No license matches.');
  const licenseKey = await licenseKeyFor(deps, license, request.licenseKey);
  if (licenseKey === null) {
    return license.kind === 'trial'
      ? refused(
          'TRIAL_NOT_TRANSFERABLE',
          'A trial belongs to its device and cannot be deactivated.',
        )
      : refused('LICENSE_NOT_FOUND', 'LemonSqueezy no longer has this license key.');
  }
  const outcome = await deactivateDevice(deps, {
    licenseKey,
    instanceId: request.instanceId,
    instanceName: request.instanceName,
    caller: request.caller,
  });
  if (!outcome.ok) return outcome;
  await recordAudit(deps, {
    licenseHash: license.licenseHash,
    actor: request.actor,
    action: 'device.deactivate',
    before: licenseState(deps, license),
    after: licenseState(deps, outcome.value.license),
    detail: {
      instanceId: outcome.value.device.instanceId,
      ...(request.reason ? { reason: request.reason } : {}),
    },
  });
  return outcome;
}

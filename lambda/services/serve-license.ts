import { type Activation, activeDevices, type LicenseRecord } from '#domain/license.ts';
import { type CheckPhase, checkLicense } from '#domain/license-rules.ts';
import { type LicenseView, type Outcome, refused } from './outcome.ts';
import { revokeKey, rotateKey, withFreshUsage } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The common end of trial, activate and validate, once the device is known:
 * 1. check the license; refused → disable and forget its AI key, answer the refusal;
 * 2. SaaS: make sure this period's key exists (rotating an expired one);
 * 3. refresh the key's remaining credit if the cached figure is stale;
 * 4. describe the license to the client.
 */
export async function serveLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  device: Activation,
  licenseKey: string,
  phase: CheckPhase,
): Promise<Outcome<LicenseView>> {
  const verdict = checkLicense(license, deps.clock.now(), phase);
  if (!verdict.ok) {
    await revokeKey(deps, license);
    return refused(verdict.code, verdict.detail);
  }
  const withKey = await rotateKey(deps, license);
  const fresh = await withFreshUsage(deps, withKey);
  return { ok: true, value: toView(fresh, device, licenseKey) };
}

/** The device a request speaks for: the one named, or the most recent activation. */
export function pickDevice(
  license: LicenseRecord,
  wanted: { instanceName?: string; instanceId?: string },
): Activation | undefined {
  const devices = activeDevices(license);
  if (wanted.instanceName === undefined && wanted.instanceId === undefined) {
    return license.lastActivation ?? devices[0];
  }
  return devices.find(
    (device) =>
      (wanted.instanceName === undefined || device.instanceName === wanted.instanceName) &&
      (wanted.instanceId === undefined || device.instanceId === wanted.instanceId),
  );
}

function toView(license: LicenseRecord, device: Activation, licenseKey: string): LicenseView {
  const key = license.plan.aiMode === 'saas' ? license.ai : undefined;
  return {
    instanceId: device.instanceId,
    instanceName: device.instanceName,
    licenseKey,
    userName: license.customerName,
    userEmail: license.customerEmail,
    aiMode: license.plan.aiMode,
    ...(key
      ? {
          ai: {
            token: key.token,
            limit: key.limit,
            limitRemaining: key.limitRemaining,
            expiresAt: key.periodEnd,
          },
        }
      : {}),
    status: license.status,
    licenseExpiresAt: license.expiresAt,
    activationLimit: license.provider?.activationLimit ?? (license.kind === 'trial' ? 1 : null),
    activationUsage: license.provider?.activationUsage ?? activeDevices(license).length,
  };
}

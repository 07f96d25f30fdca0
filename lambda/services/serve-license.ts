import { type Activation, activeDevices, type LicenseRecord } from '#domain/license.ts';
import { accessAfterRefusal, type CheckPhase, checkLicense } from '#domain/license-rules.ts';
import { type LicenseView, type Outcome, refused } from './outcome.ts';
import { revokeKey, rotateKey, withFreshUsage } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The common end of trial, activate and validate, once the device is known:
 * 1. check the license; refused → disable and forget its AI key, then refuse an activation, but
 *    answer a validate with the license as `expired`/`suspended` and no key: the shipped client
 *    keeps its cached answer on any refusal, so only a 200 makes it stop treating the license
 *    as licensed;
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
    const revoked = await revokeKey(deps, license);
    if (phase === 'activate') return refused(verdict.code, verdict.detail);
    const reason = { code: verdict.code, detail: verdict.detail };
    return { ok: true, value: toView(revoked, device, licenseKey, reason) };
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

/**
 * The view of a license for one device. Names and emails are never null on the wire: a trial
 * started without a name, or a LemonSqueezy customer without one, is called by its email address,
 * and an unknown email is an empty string.
 */
function toView(
  license: LicenseRecord,
  device: Activation,
  licenseKey: string,
  reason?: LicenseView['reason'],
): LicenseView {
  const key = license.plan.aiMode === 'saas' && !reason ? license.ai : undefined;
  const isTrial = license.kind === 'trial';
  const userEmail = license.customerEmail ?? '';
  return {
    instanceId: device.instanceId,
    instanceName: device.instanceName,
    licenseKey,
    userName: license.customerName || userEmail,
    userEmail,
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
    access: reason ? accessAfterRefusal(reason.code) : isTrial ? 'trial' : 'active',
    ...(reason ? { reason } : {}),
    expiresAt: license.expiresAt,
    trialEndsAt: isTrial ? license.expiresAt : null,
    activationLimit: license.provider?.activationLimit ?? (isTrial ? 1 : null),
    activationUsage: license.provider?.activationUsage ?? activeDevices(license).length,
  };
}

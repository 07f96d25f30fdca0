import { UpstreamError } from '#domain/errors.ts';
import {
  type Activation,
  activeDevices,
  type DeviceWanted,
  isDeviceWanted,
  type LicenseRecord,
} from '#domain/license.ts';
import { accessAfterRefusal, type CheckPhase, checkLicense } from '#domain/license-rules.ts';
import { type LicenseView, type Outcome, refused } from './outcome.ts';
import { ensureAiKey, revokeKey, withFreshUsage } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

const MAX_ATTEMPTS = 3;

/**
 * The common end of trial, activate and validate, once the device holds its seat:
 * 1. check the license (on validate, `inactive` — no activation left at LemonSqueezy — is
 *    refused; on activate the device's instance was just created or confirmed there, so it is
 *    not); refused → disable its AI key (kept, to be enabled again in the same period), then refuse an
 *    activation, but answer a validate with the license as `expired`/`suspended` and no key: the
 *    shipped client keeps its cached answer on any refusal, so only a 200 makes it stop treating
 *    the license as licensed (I2);
 * 2. SaaS: make sure this period's key is live (enabled again, or issued within the period's
 *    credit, I1); facts that change meanwhile send us back to 1;
 * 3. refresh the key's remaining credit if the cached figure is stale;
 * 4. describe the license to the client; a SaaS license without a key says why
 *    (`AI_CREDIT_PENDING`: no period may start until LemonSqueezy says it is paid, I5).
 */
export async function serveLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  device: Activation,
  licenseKey: string,
  phase: CheckPhase,
): Promise<Outcome<LicenseView>> {
  let current = license;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const verdict = checkLicense(current, deps.clock.now(), phase);
    if (!verdict.ok) {
      const revoked = await revokeKey(deps, current);
      if (phase === 'activate') return refused(verdict.code, verdict.detail);
      const reason = { code: verdict.code, detail: verdict.detail };
      return { ok: true, value: toView(revoked, device, licenseKey, { reason }) };
    }
    const keyed = await ensureAiKey(deps, current);
    if ('changed' in keyed) {
      current = (await deps.store.get(current.licenseHash)) ?? current;
      continue;
    }
    const fresh = await withFreshUsage(deps, keyed.license);
    // The key vanished at OpenRouter while we looked: issue its replacement now.
    if (fresh.plan.aiMode === 'saas' && keyed.license.ai && !fresh.ai) {
      current = fresh;
      continue;
    }
    return { ok: true, value: toView(fresh, device, licenseKey, { now: deps.clock.now() }) };
  }
  throw new UpstreamError('openrouter', 'unavailable', 'the license changed while served; retry.');
}

/** The device a request speaks for: the one named, or the most recent activation. */
export function pickDevice(license: LicenseRecord, wanted: DeviceWanted): Activation | undefined {
  const devices = activeDevices(license);
  if (wanted.instanceName === undefined && wanted.instanceId === undefined) {
    const last = license.lastActivation;
    return devices.find((device) => device.instanceId === last?.instanceId) ?? devices[0];
  }
  return devices.find((device) => isDeviceWanted(device, wanted));
}

/** Why a usable SaaS license answers without a key. */
const CREDIT_PENDING = {
  code: 'AI_CREDIT_PENDING',
  detail:
    'AI credit for a new period is issued once LemonSqueezy confirms the period is paid, or the period has none left.',
} as const;

/**
 * The view of a license for one device. Names and emails are never null on the wire: a trial
 * started without a name, or a LemonSqueezy customer without one, is called by its email address,
 * and an unknown email is an empty string. No token is shown unless the key is live.
 */
export function toView(
  license: LicenseRecord,
  device: Activation,
  licenseKey: string,
  { reason, now }: { reason?: LicenseView['reason']; now?: Date } = {},
): LicenseView {
  const saas = license.plan.aiMode === 'saas';
  // A key whose period has ended (no paid period followed yet: I5) has expired at OpenRouter.
  const current =
    license.ai && (!now || new Date(license.ai.periodEnd) > now) ? license.ai : undefined;
  const key = saas && !reason && !current?.disabledAt ? current : undefined;
  const isTrial = license.kind === 'trial';
  const userEmail = license.customerEmail ?? '';
  const notice = saas && !reason && !key ? CREDIT_PENDING : undefined;
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
    ...(reason ? { reason } : notice ? { notice } : {}),
    expiresAt: license.expiresAt,
    trialEndsAt: isTrial ? license.expiresAt : null,
    activationLimit: license.provider?.activationLimit ?? (isTrial ? 1 : null),
    activationUsage: license.provider?.activationUsage ?? activeDevices(license).length,
  };
}

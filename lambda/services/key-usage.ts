import { deviceSlotKey, slotOf } from '#domain/device-slots.ts';
import type { AiKey, LicenseRecord, Sighting } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import { markGone } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/** What one read of the key's usage gave: the license (without its key, if OpenRouter lost it). */
export interface UsageRead {
  license: LicenseRecord;
  usage?: Sighting['usage'];
}

/**
 * Reads the live key's remaining credit from OpenRouter (one call). A key OpenRouter no longer
 * has is recorded as spent and forgotten (`markGone`). A key OpenRouter holds disabled while the
 * record says live (a revoke whose record was lost, or a disable outside) is recorded as disabled,
 * with what it spent: the record follows OpenRouter's truth, and the caller, seeing no live key,
 * puts OpenRouter in line with the license's verdict (a usable license's key is enabled again by
 * `ensureAiKey`; anything else stays disabled). Its token is never served disabled.
 * OpenRouter failing is not the request's
 * failure: the figure is one the client only displays, so the cached one is served, with the
 * `limit_checked_at` that says how old it is, and this instance notes the trouble (no more usage
 * reads for a while, docs/design.md, "Usage freshness").
 */
export async function readKeyUsage(deps: ServiceDeps, license: LicenseRecord): Promise<UsageRead> {
  const key = license.ai;
  if (!key) return { license };
  try {
    const usage = await deps.keys.usage(key.hash);
    if (!usage) {
      return { license: await markGone(deps, license, key, key.limit - key.limitRemaining) };
    }
    if (usage.disabled && !key.disabledAt)
      return { license: await recordDisabled(deps, license, key, usage.usage) };
    return { license, usage: { keyHash: key.hash, limitRemaining: usage.limitRemaining } };
  } catch (error) {
    if (!deps.upstreamTrouble.noteFailure(error, deps.clock.now())) throw error;
    deps.logger.warn('usage not read from OpenRouter: serving the cached figure', {
      license: shortHash(license.licenseHash),
      key: shortHash(key.hash),
    });
    return { license };
  }
}

/**
 * Records the key OpenRouter holds disabled as disabled (what it spent is final). A failing write
 * fails the request (503), never serving the disabled token as live; a key replaced meanwhile
 * answers the record as it is now.
 */
async function recordDisabled(
  deps: ServiceDeps,
  license: LicenseRecord,
  key: AiKey,
  usage: number,
): Promise<LicenseRecord> {
  deps.logger.warn('ai key found disabled at OpenRouter: recorded so', {
    license: shortHash(license.licenseHash),
    key: shortHash(key.hash),
  });
  const at = deps.clock.now().toISOString();
  const recorded = await deps.store.markKeyDisabled(license.licenseHash, key.hash, at, usage);
  const now = recorded ?? (await deps.store.get(license.licenseHash));
  return now ?? { ...license, ai: { ...key, disabledAt: at, usageAtDisable: usage } };
}

/**
 * The license with `limit_remaining` read from OpenRouter now and recorded, for a key whose
 * cached figure is stale (`usageDue`): activations and trials, whose writes are their own.
 */
export async function withFreshUsage(
  deps: ServiceDeps,
  license: LicenseRecord,
): Promise<LicenseRecord> {
  const read = await readKeyUsage(deps, license);
  if (!read.usage) return read.license;
  const sighting = { at: deps.clock.now().toISOString(), usage: read.usage };
  await deps.store.recordSighting(license.licenseHash, sighting);
  return withSighting(read.license, sighting);
}

/** `license` as it reads once `sighting` is recorded (what the write did, without a re-read). */
export function withSighting(license: LicenseRecord, sighting: Sighting): LicenseRecord {
  let next = license;
  const { device, usage } = sighting;
  if (usage && next.ai?.hash === usage.keyHash) {
    next = {
      ...next,
      ai: { ...next.ai, limitRemaining: usage.limitRemaining, limitCheckedAt: sighting.at },
    };
  }
  if (sighting.license) next = { ...next, licenseSeenAt: sighting.at };
  const slot = device && slotOf(next, device.instanceName);
  if (device && slot?.state === 'active' && slot.instanceId === device.instanceId) {
    const key = deviceSlotKey(device.instanceName);
    next = { ...next, devices: { ...next.devices, [key]: { ...slot, lastSeenAt: sighting.at } } };
  }
  return next;
}

/** Whether `license` (as stored after a write) carries `sighting`. */
export function sightingRecorded(license: LicenseRecord, sighting: Sighting): boolean {
  const usageOk =
    (!sighting.usage || license.ai?.limitCheckedAt === sighting.at) &&
    (!sighting.license || license.licenseSeenAt === sighting.at);
  if (!sighting.device) return usageOk;
  const slot = slotOf(license, sighting.device.instanceName);
  return usageOk && slot?.state === 'active' && slot.lastSeenAt === sighting.at;
}

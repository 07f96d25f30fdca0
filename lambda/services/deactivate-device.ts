import { type DeviceWanted, deviceSlots, isDeviceWanted, slotOf } from '#domain/device-slots.ts';
import type { DeviceDeactivation } from '#domain/devices.ts';
import { listedDevice } from '#domain/devices.ts';
import { unexpectedUpstreamAnswer } from '#domain/errors.ts';
import {
  type Activation,
  type DeviceSlot,
  type LicenseRecord,
  licenseHashOf,
  type ProviderLicense,
} from '#domain/license.ts';
import { checkLicense } from '#domain/license-rules.ts';
import { type Outcome, refused } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import { shortHash } from '#domain/secrets.ts';
import type { DeactivateRequest } from '#schemas/deactivate.ts';
import { type ClaimTry, claimWithWait } from './claim-with-wait.ts';
import { enforceLicense } from './enforce-license.ts';
import { providerKeyFor, storedLicenseFor } from './license-lookup.ts';
import { answeredFacts } from './provider-facts.ts';
import { overLimit, refuseUnknownKey } from './rate-limit.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Frees the seat of one device of a LemonSqueezy license, with exactly one LemonSqueezy
 * deactivation however many requests for the device arrive at once:
 * 1. a license never activated here → LICENSE_NOT_FOUND (counted against the caller's IP limit
 *    on unknown keys); any other request counts against the license's activation limit (429
 *    past it); a trial → TRIAL_NOT_TRANSFERABLE;
 * 2. the device the request names (instance id, name, or both, which must then agree) → else
 *    INSTANCE_NOT_FOUND (a device whose activation is still under way has no instance yet);
 * 3. already deactivated (here, or found gone at LemonSqueezy) → that deactivation again, with
 *    no upstream call;
 * 4. active, of a key stored as disabled or expired → LICENSE_DISABLED / LICENSE_EXPIRED
 *    (LemonSqueezy refuses to free seats of such keys);
 * 5. active → claim its slot with a conditional write; the winner deactivates at LemonSqueezy
 *    (an instance it no longer has counts as freed) and marks the slot deactivated with the seat
 *    count one lower; a failure gives the claim back (the device stays active, a retry works),
 *    and so does LemonSqueezy refusing because the key turned disabled or expired meanwhile
 *    (that news is stored and enforced, and the answer says why);
 *    every other request waits for the winner's result (`claimWithWait`).
 * The license's AI key is left alone: it belongs to the license, not to the device.
 */
export async function deactivateDevice(
  deps: ServiceDeps,
  request: DeactivateRequest & FromCaller,
): Promise<Outcome<DeviceDeactivation>> {
  let current = await storedLicenseFor(deps, request.licenseKey);
  if (!current?.lastActivation) return refuseUnknownKey(deps, request.caller);
  // A device change either way: counted like an activation, in the same bucket, so cycling
  // activate and deactivate is bounded by one limit.
  const limited = await overLimit(deps, 'activate', licenseHashOf(request.licenseKey));
  if (limited) return limited;
  // The license's own id: a license stored before canonical spellings keeps the one it had.
  const licenseHash = current.licenseHash;
  if (current.kind === 'trial') {
    return refused(
      'TRIAL_NOT_TRANSFERABLE',
      'A trial belongs to its device and cannot be deactivated.',
    );
  }
  // Once found, the request is about that one instance: a slot that moved on to a new
  // activation (of the same device name) meanwhile is never deactivated by this request.
  let target: Activation | undefined;
  return claimWithWait(
    deps,
    'deactivation of this device is still in progress; try again.',
    async ({ claimId, now, staleBefore }) => {
      const license = current as LicenseRecord;
      const slot = findSlot(license, target ?? request);
      const device = slot && listedDevice(slot);
      if (!slot || !device) {
        if (!target) {
          return refused(
            'INSTANCE_NOT_FOUND',
            'No device of this license key has that name or id.',
          );
        }
        // The instance left its slot while we waited (freed, then the device activated again).
        const gone = { ...target, state: 'deactivated', deactivatedAt: now.toISOString() } as const;
        return { ok: true, value: { license, device: gone } };
      }
      target = device;
      if (device.state === 'deactivated') return { ok: true, value: { license, device } };
      // LemonSqueezy refuses to free a seat of a disabled or expired key (a 400): say why without
      // asking. A key disabled there since our last check learns it from that 400.
      if (license.status === 'disabled') {
        return refused('LICENSE_DISABLED', 'This license key has been disabled.');
      }
      if (license.status === 'expired') {
        return refused('LICENSE_EXPIRED', 'This license key has expired.');
      }
      // Another request is freeing this seat: wait for its result.
      if (
        slot.state === 'active' &&
        slot.deactivation &&
        slot.deactivation.claimedAt >= staleBefore
      ) {
        return undefined;
      }
      const licenseKey = providerKeyFor(license, request.licenseKey);
      return freeSeat(deps, license, licenseKey, device, { claimId, now, staleBefore });
    },
    async () => {
      current = (await deps.store.get(licenseHash)) ?? current;
    },
  );
}

/**
 * Claims the active slot of `device` and, if the claim is won, frees its seat (below). Undefined
 * when another request holds the claim or the slot changed (or, with `unseenSince`, the device
 * was seen since): re-read and decide again.
 */
export async function freeSeat(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
  device: Activation,
  claim: ClaimTry & { unseenSince?: string },
): Promise<Outcome<DeviceDeactivation> | undefined> {
  const claimed = await deps.store.claimDeactivation(license.licenseHash, device, {
    claimId: claim.claimId,
    claimedAt: claim.now.toISOString(),
    staleBefore: claim.staleBefore,
    ...(claim.unseenSince === undefined ? {} : { unseenSince: claim.unseenSince }),
  });
  return claimed ? deactivateClaimed(deps, license, licenseKey, device, claim.claimId) : undefined;
}

/**
 * We hold the claim: free the seat at LemonSqueezy, then record it. A refusal gives the claim
 * back and says why; a failure at either step gives the claim back and throws (503): the slot is still active, and a retry deactivates again
 * (LemonSqueezy answering that the instance is gone counts as freed). Undefined when the slot
 * changed under us (the claim was taken over as stale, or a reconciliation deactivated it): the
 * caller re-reads and decides again.
 */
async function deactivateClaimed(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
  device: Activation,
  claimId: string,
): Promise<Outcome<DeviceDeactivation> | undefined> {
  const release = () =>
    deps.store
      .releaseDeactivation(license.licenseHash, device.instanceName, claimId)
      .catch(() => undefined);
  let stored: LicenseRecord | undefined;
  try {
    const answer = await deps.provider.deactivate(licenseKey, device.instanceId);
    if (!answer.freed) {
      await release();
      return refusedUpstream(deps, license, answer.license);
    }
    stored = await deps.store.completeDeactivation(
      license.licenseHash,
      device.instanceName,
      claimId,
      deps.clock.now().toISOString(),
    );
  } catch (error) {
    await release();
    throw error;
  }
  const slot = stored && slotOf(stored, device.instanceName);
  const freed = slot && listedDevice(slot);
  if (!stored || freed?.state !== 'deactivated') return undefined;
  deps.logger.info('device deactivated', {
    license: shortHash(license.licenseHash),
    instanceId: device.instanceId,
  });
  return { ok: true, value: { license: stored, device: freed } };
}

/**
 * LemonSqueezy kept the seat: the key turned disabled or expired since we last heard. Its answer
 * is news (stored if nothing newer is, I4), the license is enforced like after a webhook (its AI
 * key disabled), and the customer hears why, as a request after a webhook would. An answer that
 * still calls the key usable explains nothing: 503, and the device stays active.
 */
async function refusedUpstream(
  deps: ServiceDeps,
  license: LicenseRecord,
  upstream: ProviderLicense,
): Promise<Outcome<DeviceDeactivation>> {
  const now = deps.clock.now();
  const saved =
    (await deps.store.saveProviderFactsIfNewer(
      license,
      answeredFacts(license, upstream, now),
      now.toISOString(),
    )) ?? (await deps.store.get(license.licenseHash));
  await enforceLicense(deps, saved);
  const verdict = saved && checkLicense(saved, now, 'validate');
  if (verdict && !verdict.ok) return refused(verdict.code, verdict.detail);
  throw unexpectedUpstreamAnswer('lemonsqueezy', 'a deactivation refusal of a usable key');
}

/**
 * The slot of the device `wanted` names: by name (and then also its instance id, if given), or
 * by instance id alone. Slots whose activation is still under way have no instance to match.
 */
function findSlot(license: LicenseRecord, wanted: DeviceWanted): DeviceSlot | undefined {
  const matches = (slot: DeviceSlot | undefined) =>
    slot !== undefined && slot.state !== 'pending' && isDeviceWanted(slot, wanted);
  if (wanted.instanceName !== undefined) {
    const slot = slotOf(license, wanted.instanceName);
    return matches(slot) ? slot : undefined;
  }
  return deviceSlots(license).find(matches);
}

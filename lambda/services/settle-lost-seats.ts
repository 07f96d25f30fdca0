import { randomUUID } from 'node:crypto';
import { activeDevices, deviceSlotKey, deviceSlots } from '#domain/device-slots.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import { storedLicenseKey } from './provider-facts.ts';
import type { ServiceDeps } from './service-deps.ts';

type PendingSlot = { state: 'pending'; instanceName: string; claimId: string; claimedAt: string };

/** The device claims of `license` still pending although their lease is over (holder dead). */
export function lostClaims(license: LicenseRecord, now: Date, leaseMs: number): PendingSlot[] {
  const staleBefore = new Date(now.getTime() - leaseMs).toISOString();
  return deviceSlots(license).filter(
    (slot): slot is PendingSlot => slot.state === 'pending' && slot.claimedAt < staleBefore,
  );
}

/**
 * Settles the device claims of one license left `pending` past the activation lease (issue 21,
 * finding 8). An activation is a two-system step: claim the slot (`pending`: the intent) →
 * activate at LemonSqueezy → record the device. A holder that died, or whose writes failed,
 * after the activation leaves a seat held at LemonSqueezy and the pending claim here. Per claim:
 * 1. take it over (a new claim id; the device change the dead claim counted moves with it): a
 *    device's own retry now waits for us, or takes the claim over in turn once our lease is past;
 * 2. list the key's instances (REST); one named for the device that no slot of ours holds is the
 *    dead attempt's seat;
 * 3. free it (License API deactivate, the key read from the REST API). Freed, not adopted: the
 *    attempt answered no 200, so no client holds that instance, and its device may never come
 *    back (the customer moved on, or activated elsewhere): an adopted ghost would hold a seat of
 *    the customer's until someone deactivates it. A device that does retry takes a fresh seat;
 * 4. give the claim back, and the device change it counted (`releaseDevice`).
 * A LemonSqueezy failure throws with our claim left pending: past its lease, the next run (or the
 * device's retry, which adopts a seat named for it: `adoptLostSeat`) takes it over. Every call
 * goes through `deps.provider`, so it counts against the LemonSqueezy budget. Returns the claims
 * settled.
 */
export async function settleLostSeats(deps: ServiceDeps, license: LicenseRecord): Promise<number> {
  const upstream = license.provider;
  const now = deps.clock.now();
  const lost = lostClaims(license, now, deps.policy.activationLeaseMs);
  if (!upstream || lost.length === 0) return 0;
  const staleBefore = new Date(now.getTime() - deps.policy.activationLeaseMs).toISOString();
  const ours: Array<{ slot: PendingSlot; claimId: string; counted: boolean }> = [];
  let counts = { newDevices: license.newDevices, newDevicesVersion: license.newDevicesVersion };
  for (const slot of lost) {
    const claimId = randomUUID();
    const counted = takesOverCount(counts, slot, now.toISOString());
    const claimed = await deps.store.claimDevice(
      license.licenseHash,
      slot.instanceName,
      claimId,
      now.toISOString(),
      staleBefore,
      counted,
    );
    if (!claimed) continue;
    ours.push({ slot, claimId, counted: counted !== undefined });
    if (counted) counts = { newDevices: counted.next, newDevicesVersion: counted.version + 1 };
  }
  if (ours.length === 0) return 0;
  const instances = await deps.provider.listInstances(upstream.licenseId);
  const known = new Set(activeDevices(license).map((device) => device.instanceId));
  let licenseKey: string | null | undefined;
  for (const { slot, claimId, counted } of ours) {
    const seats = instances.filter(
      (instance) => instance.name === slot.instanceName && !known.has(instance.id),
    );
    for (const seat of seats) {
      licenseKey ??= await storedLicenseKey(deps, license);
      const answer =
        licenseKey === null ? undefined : await deps.provider.deactivate(licenseKey, seat.id);
      // LemonSqueezy keeps the seats of a disabled or expired key (and of one it no longer has):
      // nothing to free now; the device's own retry, once usable, adopts the seat.
      deps.logger.warn(
        answer?.freed ? 'lost seat freed at LemonSqueezy' : 'lost seat left at LemonSqueezy',
        { license: shortHash(license.licenseHash), instanceId: seat.id },
      );
    }
    await deps.store.releaseDevice(license.licenseHash, slot.instanceName, claimId, counted);
    deps.metrics.count('LostSeatsSettled');
  }
  return ours.length;
}

/**
 * The dead claim counted its device as a device change when it claimed (both written at its
 * `claimedAt`): our takeover carries that count at our own `claimedAt`, so whoever holds the
 * claim next can still tell it was counted, and giving the claim back uncounts it.
 */
function takesOverCount(
  counts: Pick<LicenseRecord, 'newDevices' | 'newDevicesVersion'>,
  slot: PendingSlot,
  claimedAt: string,
) {
  const slotKey = deviceSlotKey(slot.instanceName);
  if (counts.newDevices?.[slotKey] !== slot.claimedAt) return undefined;
  return {
    next: { ...counts.newDevices, [slotKey]: claimedAt },
    version: counts.newDevicesVersion ?? 0,
  };
}

import { planTermsOf } from '#config/products-schema.ts';
import { activeDevices, deviceSlotKey, deviceSlots, slotOf } from '#domain/device-slots.ts';
import { UpstreamError, unexpectedUpstreamAnswer } from '#domain/errors.ts';
import {
  type Activation,
  FORGET_DEACTIVATED_MS,
  type LicenseRecord,
  type ProviderLicense,
} from '#domain/license.ts';
import { deviceChangeAllowed } from '#domain/license-rules.ts';
import { type Outcome, type Refusal, refused, refusedUntil } from '#domain/outcome.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ProviderAnswer } from '#ports/license-provider.ts';
import type { ActivateRequest } from '#schemas/activate.ts';
import { claimWithWait } from './claim-with-wait.ts';
import { adoptLostSeat, answeredProvider, recordedAfterAll, undoActivation } from './lost-seats.ts';
import { answeredFacts } from './provider-facts.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Gives `instanceName` a seat on the license, using exactly one LemonSqueezy activation however
 * many requests for the same device arrive at once:
 * 1. the device became active meanwhile (a parallel request won) → return it;
 * 2. the slot is free (or its claim is stale) → claim it with a conditional write; the winner
 *    activates upstream, everyone else waits for the winner's result;
 * 3. the waiting stops after `activationWaitMs` with a retryable 503.
 */
export async function activateDevice(
  deps: ServiceDeps,
  license: LicenseRecord,
  request: ActivateRequest,
): Promise<Outcome<{ license: LicenseRecord; device: Activation }>> {
  let current = license;
  return claimWithWait(
    deps,
    'activation of this device is still in progress; try again.',
    async ({ claimId, now, staleBefore }) => {
      const slot = slotOf(current, request.instanceName);
      if (slot?.state === 'active') {
        const { state: _state, ...device } = slot;
        return { ok: true, value: { license: current, device } };
      }
      // Another request holds a live claim on this device: wait for its result.
      if (slot?.state === 'pending' && slot.claimedAt >= staleBefore) return undefined;
      const limit = current.provider?.activationLimit ?? null;
      const usage = current.provider?.activationUsage ?? 0;
      // Refuse early only when every used seat is one of ours; otherwise one may be this
      // device's lost seat (see adoptLostSeat), and LemonSqueezy itself has the last word.
      if (limit !== null && usage >= limit && usage <= activeDevices(current).length) {
        return refused(
          'ACTIVATION_LIMIT_REACHED',
          'This license key has reached its activation limit.',
        );
      }
      // A device the license never had is a device change (see deviceChangeAllowed).
      let newDevices: { next: Record<string, string>; version: number } | undefined;
      if (!slot) {
        const { deviceChanges } = planTermsOf(
          deps.products,
          'lemonsqueezy',
          current.plan.productName,
        );
        const slotKey = deviceSlotKey(request.instanceName);
        const change = deviceChangeAllowed(current, now, deviceChanges, slotKey);
        if (!change.ok) {
          const detail = 'This license has taken too many new devices in the last 30 days.';
          return refusedUntil('DEVICE_CHANGE_LIMIT', detail, change.retryAt, now);
        }
        const next = { ...change.recent, [slotKey]: change.recent[slotKey] ?? now.toISOString() };
        newDevices = { next, version: current.newDevicesVersion ?? 0 };
      }
      const claimed = await deps.store.claimDevice(
        current.licenseHash,
        request.instanceName,
        claimId,
        now.toISOString(),
        staleBefore,
        newDevices,
      );
      // A stale claim taken over may have counted this device when it claimed (both written at
      // its `claimedAt`) and died before the seat was recorded: that count is this claim's now.
      const countedByDeadClaim =
        slot?.state === 'pending' &&
        current.newDevices?.[deviceSlotKey(request.instanceName)] === slot.claimedAt;
      const counted = newDevices !== undefined || countedByDeadClaim;
      return claimed ? activateClaimed(deps, current, request, claimId, counted) : undefined;
    },
    async () => {
      const reread = await deps.store.get(current.licenseHash);
      if (!reread) throw new Error('license vanished during activation');
      current = reread;
    },
  );
}

/**
 * We hold the claim: activate upstream, then record the instance. Every failure gives the claim
 * back, and a seat taken upstream that we could not record is freed again (no lost seat).
 */
async function activateClaimed(
  deps: ServiceDeps,
  license: LicenseRecord,
  request: ActivateRequest,
  claimId: string,
  countedAsChange: boolean,
): Promise<Outcome<{ license: LicenseRecord; device: Activation }>> {
  // A device that did not get its seat is not a device change: its count goes with the claim.
  const release = () =>
    deps.store.releaseDevice(license.licenseHash, request.instanceName, claimId, countedAsChange);
  let answer: ProviderAnswer;
  try {
    answer =
      (await adoptLostSeat(deps, license, request.instanceName)) ??
      (await deps.provider.activate(request.licenseKey, request.instanceName));
    // Refused for seats: LemonSqueezy's fresh count may show the seat an earlier attempt of this
    // device took and never recorded (it died first); that seat is this device's.
    if (answer.found === true && !answer.accepted && answer.license.activationLimit !== null) {
      const counted = { ...license, provider: answeredProvider(license, answer.license) };
      answer = (await adoptLostSeat(deps, counted, request.instanceName)) ?? answer;
    } else if (answer.found === 'bare' && answer.refusal === 'activation-limit') {
      answer = (await adoptLostSeat(deps, atLimit(license), request.instanceName)) ?? answer;
    }
  } catch (error) {
    await release();
    throw error;
  }
  if (!answer.found) {
    await release();
    return refused('LICENSE_NOT_FOUND', 'This license key does not exist.');
  }
  if (answer.found === 'bare') {
    await release();
    if (answer.refusal !== 'activation-limit') {
      throw unexpectedUpstreamAnswer('lemonsqueezy', 'an activation');
    }
    return refused(
      'ACTIVATION_LIMIT_REACHED',
      'This license key has reached its activation limit.',
    );
  }
  if (!answer.accepted || !answer.instance) {
    await release();
    const refusal = activationRefusal(answer.license);
    if (refusal) return refusal;
    throw unexpectedUpstreamAnswer('lemonsqueezy', 'an activation');
  }
  const device: Activation = {
    instanceId: answer.instance.id,
    instanceName: request.instanceName,
    activatedAt: deps.clock.now().toISOString(),
  };
  let stored: LicenseRecord | undefined;
  try {
    stored = await deps.store.completeDevice(license.licenseHash, claimId, device);
  } catch (error) {
    stored = await recordedAfterAll(deps, license.licenseHash, device, error, async () => {
      await undoActivation(deps, request.licenseKey, device.instanceId);
      await release().catch(() => undefined);
    });
  }
  if (!stored) {
    // Our claim was taken over as stale while LemonSqueezy was slow: free the seat we took.
    await undoActivation(deps, request.licenseKey, device.instanceId);
    throw new UpstreamError('lemonsqueezy', 'unavailable', 'activation took too long; try again.');
  }
  deps.logger.info('device activated', {
    license: shortHash(license.licenseHash),
    instanceId: device.instanceId,
  });
  // The activation's answer describes LemonSqueezy at least as of its arrival: any read that
  // began before then (a parallel request's validate) is older and loses (I4).
  const answeredAt = deps.clock.now();
  const withFacts = await deps.store.saveProviderFactsIfNewer(
    stored,
    answeredFacts(stored, answer.license, answeredAt),
    answeredAt.toISOString(),
  );
  return { ok: true, value: { license: withFacts ?? stored, device } };
}

/**
 * The license as a bare refusal for the activation limit describes it: LemonSqueezy holds at
 * least `activationLimit` seats, so one of them may be this device's lost seat (adoptLostSeat).
 */
function atLimit(license: LicenseRecord): LicenseRecord {
  const upstream = license.provider;
  if (!upstream || upstream.activationLimit === null) return license;
  const activationUsage = Math.max(upstream.activationUsage, upstream.activationLimit);
  return { ...license, provider: { ...upstream, activationUsage } };
}

/** Why LemonSqueezy refused an activation, decided from the key's numbers, not its error text. */
function activationRefusal(license: ProviderLicense): Refusal | undefined {
  if (license.activationLimit !== null && license.activationUsage >= license.activationLimit) {
    return refused(
      'ACTIVATION_LIMIT_REACHED',
      'This license key has reached its activation limit.',
    );
  }
  if (license.status === 'disabled')
    return refused('LICENSE_DISABLED', 'This license key has been disabled.');
  if (license.status === 'expired')
    return refused('LICENSE_EXPIRED', 'This license key has expired.');
  return undefined;
}
/**
 * Brings the stored devices in line with LemonSqueezy, the authority on seats (I3): devices
 * whose instance it no longer holds are marked deactivated, and deactivated devices older than
 * `FORGET_DEACTIVATED_MS` are dropped (bounded item size). `gone` names devices already known to
 * be gone; otherwise the instance list is read when LemonSqueezy counts fewer seats in use than
 * we have active devices, or when asked to (`'ask'`): one REST call, and only then; the count it
 * shows is stored.
 */
export async function reconcileSeats(
  deps: ServiceDeps,
  license: LicenseRecord,
  gone?: Activation[] | 'ask',
): Promise<LicenseRecord> {
  const now = deps.clock.now();
  const active = activeDevices(license);
  let goneDevices = Array.isArray(gone) ? gone : [];
  let seatsInUse: number | undefined;
  const upstream = license.provider;
  const ask =
    gone === 'ask' ||
    (gone === undefined && upstream !== undefined && upstream.activationUsage < active.length);
  if (ask && upstream) {
    const instances = await deps.provider.listInstances(upstream.licenseId);
    const held = new Set(instances.map((instance) => instance.id));
    goneDevices = active.filter((device) => !held.has(device.instanceId));
    // Stored too, so a stale count does not send every later validate to the list again.
    seatsInUse = instances.length;
  }
  const forgetBefore = new Date(now.getTime() - FORGET_DEACTIVATED_MS).toISOString();
  const forget = deviceSlots(license)
    .filter((slot) => slot.state === 'deactivated' && slot.deactivatedAt < forgetBefore)
    .map((slot) => deviceSlotKey(slot.instanceName));
  if (goneDevices.length === 0 && forget.length === 0 && seatsInUse === undefined) return license;
  const updated = await deps.store.deactivateDevices(
    license.licenseHash,
    goneDevices,
    now.toISOString(),
    forget,
    seatsInUse,
  );
  if (goneDevices.length > 0) {
    deps.logger.info('devices deactivated at LemonSqueezy', {
      license: shortHash(license.licenseHash),
      devices: goneDevices.length,
    });
  }
  return updated ?? (await deps.store.get(license.licenseHash)) ?? license;
}

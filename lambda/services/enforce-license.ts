import { activeDevices } from '#domain/device-slots.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense, creditWithdrawn } from '#domain/license-rules.ts';
import { reconcileSeats } from './activate-device.ts';
import { revokeKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Brings devices and the AI key in line with the stored license:
 * 1. LemonSqueezy says `inactive` (it held no activation of the key when it stamped its facts):
 *    devices activated well before that stamp hold no seat any more and are marked deactivated
 *    (I3). A device activated since, or too close to it to order (one-second stamps, two clocks),
 *    may hold a seat the stored facts predate (a dead activation recorded its device, not the
 *    facts its answer brought): the instance list decides (`reconcileSeats`, one REST call);
 * 2. a license that may no longer be used has its key disabled now (kept, to be enabled again
 *    if access comes back in the same period: I1); so has a key whose period's payment was
 *    refunded (the license stays usable, that period's credit does not).
 * Safe to run any number of times; a usable license is left alone (its next validate enables or
 * issues the key for the current period).
 */
export async function enforceLicense(
  deps: ServiceDeps,
  license: LicenseRecord | undefined,
): Promise<void> {
  if (!license) return;
  let current = license;
  const active = activeDevices(current);
  if (current.status === 'inactive' && active.length > 0) {
    const predate = active.every((device) => activatedBeforeFacts(current, device.activatedAt));
    current = await reconcileSeats(deps, current, predate ? active : 'ask');
  }
  if (!current.ai) return;
  const now = deps.clock.now();
  const verdict = checkLicense(current, now, 'validate');
  if (!verdict.ok || creditWithdrawn(current, now)) await revokeKey(deps, current);
}

/** How far apart our activation time and LemonSqueezy's stamp must be to be ordered safely. */
const CLOCKS_APART_MS = 60_000;

/** Whether a device activated at `activatedAt` predates the stored facts, clocks allowing. */
function activatedBeforeFacts(license: LicenseRecord, activatedAt: string): boolean {
  const asOf = license.factsAsOf === undefined ? Number.NaN : Date.parse(license.factsAsOf);
  return Date.parse(activatedAt) + CLOCKS_APART_MS < asOf;
}

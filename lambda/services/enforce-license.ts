import { activeDevices } from '#domain/device-slots.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense, creditWithdrawn } from '#domain/license-rules.ts';
import { reconcileSeats } from './activate-device.ts';
import { revokeKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Brings devices and the AI key in line with the stored license:
 * 1. LemonSqueezy says `inactive` (it holds no activation of the key): none of our devices
 *    holds a seat any more, so they are marked deactivated (I3);
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
    current = await reconcileSeats(deps, current, active);
  }
  if (!current.ai) return;
  const now = deps.clock.now();
  const verdict = checkLicense(current, now, 'validate');
  if (!verdict.ok || creditWithdrawn(current, now)) await revokeKey(deps, current);
}

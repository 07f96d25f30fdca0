import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { planTermsOf } from '#config/products-schema.ts';
import { isDomainError, isRateLimited } from '#domain/errors.ts';
import type { Activation, LicenseRecord } from '#domain/license.ts';
import { idleDevices } from '#domain/license-rules.ts';
import { shortHash } from '#domain/secrets.ts';
import { freeSeat } from './deactivate-device.ts';
import {
  type SweepPages,
  type SweepProgress,
  skippedLicense,
  sweepLicenses,
} from './license-sweep.ts';
import { storedLicenseKey } from './provider-facts.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface ReleaseOptions extends SweepPages {
  /**
   * Seats freed per run at most. Each costs two LemonSqueezy calls (the REST read of the key,
   * the License API deactivation), and the License API allows 60 a minute for the whole store.
   */
  maxReleases: number;
  /** Pause after each release, so a run never bursts into the store-wide budget. */
  spacingMs: number;
}

/** 20 releases a run, one every 2 s: with the 15-minute schedule, under 2 % of the budget. */
export const DEFAULT_RELEASE_OPTIONS: ReleaseOptions = {
  maxReleases: 20,
  spacingMs: 2000,
  maxPages: 50,
  pageSize: 200,
};

/** The name the walk's progress is stored under (`SWEEP#release-idle-devices`). */
export const RELEASE_SWEEP = 'release-idle-devices';

export interface ReleaseSummary extends SweepProgress {
  released: number;
}

/**
 * Frees the seats of devices that stopped calling in, on plans that set `release_after_days`
 * (config/products.json): the customer moved to a new machine without deactivating the old one,
 * and the seat comes back without a support ticket. Runs on a schedule and resumes where the last
 * run stopped (a cursor in the table), so every license is reached however large the table.
 * 1. read a page of usable LemonSqueezy licenses; pick the devices not seen for the plan's time;
 * 2. read the license key from LemonSqueezy's REST API (we keep only its hash) and check it is
 *    the key of that license;
 * 3. free each seat like `POST /v1/deactivate` does (the same claim, so a customer deactivating
 *    or the device activating again at the same moment is never undone);
 * 4. stop at `maxReleases`, or at the first LemonSqueezy failure (the rest waits for the next run,
 *    which starts again at the same page); a license whose own share of LemonSqueezy's budget is
 *    spent is skipped (its seats wait for the next run) and the run goes on.
 * A device that comes back later finds itself deactivated (`DEVICE_DEACTIVATED`) and can be
 * activated again; that is not a new device for the device-change limit.
 */
export async function releaseIdleDevices(
  deps: ServiceDeps,
  options: ReleaseOptions = DEFAULT_RELEASE_OPTIONS,
): Promise<ReleaseSummary> {
  let released = 0;
  const progress = await sweepLicenses(deps, RELEASE_SWEEP, options, async (license) => {
    const result = await releaseIdleSeats(deps, license, {
      allowed: options.maxReleases - released,
      spacingMs: options.spacingMs,
    });
    released += result.released;
    return result.stoppedBy;
  });
  return { ...progress, released };
}

/**
 * Frees the idle seats of one license (as read by the caller), at most `allowed` of them; says
 * why the run must stop, if it must.
 */
export async function releaseIdleSeats(
  deps: ServiceDeps,
  license: LicenseRecord,
  pace: { allowed: number; spacingMs: number },
): Promise<{ released: number; stoppedBy?: 'upstream' | 'cap' }> {
  let released = 0;
  const { releaseAfterMs } = planTermsOf(deps.products, license.kind, license.plan.productName);
  if (releaseAfterMs === undefined || !license.provider) return { released };
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - deps.policy.activationLeaseMs).toISOString();
  const seenBefore = new Date(now.getTime() - releaseAfterMs);
  const idle = idleDevices(license, seenBefore, staleBefore);
  if (idle.length === 0) return { released };
  if (pace.allowed <= 0) return { released, stoppedBy: 'cap' };
  try {
    const licenseKey = await storedLicenseKey(deps, license);
    if (licenseKey === null) {
      // Deleted upstream, or an id that is not this key's: nothing we can free; a refresh sorts it.
      deps.logger.warn('idle devices left: LemonSqueezy has no such key', {
        license: shortHash(license.licenseHash),
      });
      return { released };
    }
    let current = license;
    for (const device of idle) {
      if (released >= pace.allowed) return { released, stoppedBy: 'cap' };
      const freed = await releaseDevice(deps, current, licenseKey, device, seenBefore);
      if (!freed) continue;
      if (!freed.ok) return { released }; // the key turned unusable: its seats stay
      const seatsBefore = seatsInUse(current);
      current = freed.value.license;
      released += 1;
      deps.metrics.count('IdleDevicesReleased');
      await deps.audit.record({
        licenseHash: license.licenseHash,
        action: 'device.release',
        before: { device: device.instanceId, state: 'active', seatsInUse: seatsBefore },
        after: { device: device.instanceId, state: 'deactivated', seatsInUse: seatsInUse(current) },
      });
      deps.logger.info('idle device released', {
        license: shortHash(license.licenseHash),
        instanceId: device.instanceId,
      });
      if (pace.spacingMs > 0) await sleep(pace.spacingMs);
    }
    return { released };
  } catch (error) {
    // Its own share of LemonSqueezy's budget spent: the run goes on with the other licenses.
    if (isRateLimited(error)) {
      skippedLicense(deps, RELEASE_SWEEP, license);
      return { released };
    }
    if (!isDomainError(error) || error.name !== 'UpstreamError') throw error;
    deps.logger.warn('idle device release stopped: LemonSqueezy failed', {
      license: shortHash(license.licenseHash),
      reason: error.message,
    });
    return { released, stoppedBy: 'upstream' };
  }
}

/** The seats LemonSqueezy counts for the key, as last stored. */
function seatsInUse(license: LicenseRecord): number | null {
  return license.provider?.activationUsage ?? null;
}

/**
 * One try, conditional on the device still being unseen since `seenBefore`; a claim held by a
 * customer's request right now means the seat is theirs to free.
 */
function releaseDevice(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
  device: Activation,
  seenBefore: Date,
) {
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - deps.policy.activationLeaseMs).toISOString();
  return freeSeat(deps, license, licenseKey, device, {
    claimId: randomUUID(),
    now,
    staleBefore,
    unseenSince: seenBefore.toISOString(),
  });
}

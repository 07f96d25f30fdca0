import { setTimeout as sleep } from 'node:timers/promises';
import { isDomainError } from '#domain/errors.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import { enforceLicense } from './enforce-license.ts';
import {
  type SweepPages,
  type SweepProgress,
  type SweepStop,
  sweepLicenses,
} from './license-sweep.ts';
import { storedLicenseKey } from './provider-facts.ts';
import { refreshLicense } from './refresh-license.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface ReconcileOptions extends SweepPages {
  /** Facts older than this are confirmed again (a client that validates refreshes its own daily). */
  staleAfterMs: number;
  /** Licenses confirmed per run at most: each costs a REST read and a License API validate. */
  maxLicenses: number;
  /** Pause after each one, so a run takes a small share of the store-wide budget. */
  spacingMs: number;
}

/**
 * 200 licenses a run, one every 3 s (20 License API calls a minute of the 50 in the budget, for
 * about 10 minutes); a daily run confirms every silent license within
 * `licenses not validating / 200` days. Run it more often (the schedule) for more.
 */
export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = {
  staleAfterMs: 86_400_000,
  maxLicenses: 200,
  spacingMs: 3000,
  maxPages: 200,
  pageSize: 200,
};

/** The name the walk's progress is stored under (`SWEEP#reconcile-licenses`). */
export const RECONCILE_SWEEP = 'reconcile-licenses';

export interface ReconcileSummary extends SweepProgress {
  confirmed: number;
  /** Confirmed and found unusable: their AI keys are disabled now. */
  keysRevoked: number;
}

/**
 * Confirms with LemonSqueezy the usable licenses whose facts are older than `staleAfterMs`, so a
 * lost webhook (a key disabled, a subscription expired, a seat freed in LemonSqueezy's dashboard)
 * is caught within a run even for a client that stopped validating and keeps a live AI key.
 * 1. walk the usable LemonSqueezy licenses from where the last run stopped (a cursor in the table);
 * 2. for a stale one, read its key from LemonSqueezy's REST API (we keep only a hash) and refresh
 *    it exactly as a validate would: facts stored if nothing newer is (I4), seats reconciled (I3);
 * 3. enforce what was found like after a webhook: an unusable license's key is disabled (I1);
 * 4. stop at `maxLicenses`, or at the first LemonSqueezy failure (the budget spent included): the
 *    next run starts again at the same page.
 */
export async function reconcileLicenses(
  deps: ServiceDeps,
  options: ReconcileOptions = DEFAULT_RECONCILE_OPTIONS,
): Promise<ReconcileSummary> {
  const counts = { confirmed: 0, keysRevoked: 0 };
  const progress = await sweepLicenses(deps, RECONCILE_SWEEP, options, (license) =>
    confirmIfStale(deps, license, options, counts),
  );
  return { ...progress, ...counts };
}

/** Confirms one license if its facts are stale; says why the run must stop, if it must. */
async function confirmIfStale(
  deps: ServiceDeps,
  license: LicenseRecord,
  options: ReconcileOptions,
  summary: { confirmed: number; keysRevoked: number },
): Promise<SweepStop | undefined> {
  const now = deps.clock.now();
  const age = now.getTime() - Date.parse(license.statusCheckedAt);
  if (age < options.staleAfterMs || !license.provider) return undefined;
  if (summary.confirmed >= options.maxLicenses) return 'cap';
  try {
    const licenseKey = await storedLicenseKey(deps, license);
    if (licenseKey === null) {
      // Deleted at LemonSqueezy (or an id that is not this key's): the next validate finds out.
      deps.logger.warn('license not reconciled: LemonSqueezy has no such key', {
        license: shortHash(license.licenseHash),
      });
      return undefined;
    }
    // Confirmed or failed: the stored status served again would not be a confirmation.
    const refreshed = await refreshLicense(deps, license, licenseKey, true);
    summary.confirmed += 1;
    deps.metrics.count('LicensesReconciled');
    const liveBefore = refreshed.ai !== undefined && refreshed.ai.disabledAt === undefined;
    await enforceLicense(deps, refreshed);
    const after = await deps.store.get(license.licenseHash);
    if (liveBefore && after?.ai?.disabledAt !== undefined) summary.keysRevoked += 1;
    if (options.spacingMs > 0) await sleep(options.spacingMs);
    return undefined;
  } catch (error) {
    if (!isDomainError(error) || error.name !== 'UpstreamError') throw error;
    deps.logger.warn('license reconciliation stopped: LemonSqueezy failed', {
      license: shortHash(license.licenseHash),
      reason: error.message,
    });
    return 'upstream';
  }
}

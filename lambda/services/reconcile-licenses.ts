import { setTimeout as sleep } from 'node:timers/promises';
import { isDomainError, isRateLimited } from '#domain/errors.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import { enforceLicense } from './enforce-license.ts';
import {
  type SweepPages,
  type SweepProgress,
  type SweepStop,
  skippedLicense,
  sweepLicenses,
} from './license-sweep.ts';
import { storedLicenseKey } from './provider-facts.ts';
import { confirmLicense } from './refresh-license.ts';
import type { ServiceDeps } from './service-deps.ts';
import { settleKey } from './settle-key.ts';
import { lostClaims, settleLostSeats } from './settle-lost-seats.ts';

export interface ReconcileOptions extends SweepPages {
  /** Facts older than this are confirmed again (a client that validates refreshes its own daily). */
  staleAfterMs: number;
  /**
   * LemonSqueezy visits per run at most: a confirmation costs a REST read and a License API
   * validate; settling a lost claim an instance list (and a REST read and a deactivation).
   */
  maxLicenses: number;
  /** Pause after each one, so a run takes a small share of the store-wide budget. */
  spacingMs: number;
}

/**
 * 200 licenses a run, one every 3 s (20 License API calls a minute of the known licenses' 35 in
 * the budget, for about 10 minutes); a daily run confirms every silent license within
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
  /** Keys put back in step with their license's verdict (an enable or disable left half-way). */
  keysSettled: number;
  /** Device claims left pending past their lease, settled (a lost seat freed at LemonSqueezy). */
  claimsSettled: number;
  /** Licenses passed over because their own share of LemonSqueezy's budget was spent. */
  skipped: number;
}

type Counts = Omit<ReconcileSummary, keyof SweepProgress>;

/**
 * Confirms with LemonSqueezy the usable licenses whose facts are older than `staleAfterMs`, so a
 * lost webhook (a key disabled, a subscription expired, a seat freed in LemonSqueezy's dashboard)
 * is caught within a run even for a client that stopped validating and keeps a live AI key, and
 * repairs what a two-system step left half-way on licenses of any status (README "Two-system
 * steps"; before, licenses stored `disabled`, `expired` or `inactive` were never read):
 * 1. walk the LemonSqueezy licenses of every status from where the last run stopped (a cursor in
 *    the table; the Scan bills the items it reads before its filter, so reading every status
 *    costs no more capacity than reading the active ones);
 * 2. for a stale `active` one, read its key from LemonSqueezy's REST API (we keep only a hash) and
 *    refresh it exactly as a validate would: facts stored if nothing newer is (I4), seats
 *    reconciled (I3), a refusal not confirmed yet only marked (I11); then enforce what was
 *    found like after a webhook (I1);
 * 3. any status: a key out of step with the license's verdict (live on a license that may not use
 *    it, or an enable or disable whose intent was left open past the lease) is put back in step
 *    at OpenRouter and recorded (`settleKey`; OpenRouter only);
 * 4. any status: device claims pending past the activation lease are settled (`settleLostSeats`:
 *    the seat a dead activation took at LemonSqueezy is freed, the claim given back);
 * 5. stop at `maxLicenses` LemonSqueezy visits (2 and 4 each count one), or at the first upstream
 *    failure (the LemonSqueezy budget spent included): the next run starts again at the same
 *    page. Every LemonSqueezy call goes through `deps.provider` and its budget, as before; a
 *    license whose own share of it is spent (RATE_LIMITED) is skipped, and the run goes on.
 */
export async function reconcileLicenses(
  deps: ServiceDeps,
  options: ReconcileOptions = DEFAULT_RECONCILE_OPTIONS,
): Promise<ReconcileSummary> {
  const counts: Counts = {
    confirmed: 0,
    keysRevoked: 0,
    keysSettled: 0,
    claimsSettled: 0,
    skipped: 0,
  };
  const progress = await sweepLicenses(
    deps,
    RECONCILE_SWEEP,
    { ...options, anyStatus: true },
    (license) => reconcileOne(deps, license, options, counts),
  );
  return { ...progress, ...counts };
}

/** Steps 2 to 4 for one license; says why the run must stop, if it must. */
async function reconcileOne(
  deps: ServiceDeps,
  license: LicenseRecord,
  options: ReconcileOptions,
  counts: Counts,
): Promise<SweepStop | undefined> {
  const visits = () => counts.confirmed + counts.claimsSettled;
  try {
    let current = license;
    if (isStale(deps, license, options)) {
      if (visits() >= options.maxLicenses) return 'cap';
      current = (await confirm(deps, license, counts)) ?? current;
      if (options.spacingMs > 0) await sleep(options.spacingMs);
    }
    if (await settleKey(deps, current)) counts.keysSettled += 1;
    if (lostClaims(current, deps.clock.now(), deps.policy.activationLeaseMs).length > 0) {
      if (visits() >= options.maxLicenses) return 'cap';
      counts.claimsSettled += await settleLostSeats(deps, current);
      if (options.spacingMs > 0) await sleep(options.spacingMs);
    }
    return undefined;
  } catch (error) {
    // This license's own share of LemonSqueezy's budget is spent (it is busy with requests of
    // its own): the others' are not, so the run moves on; the next run visits it again.
    if (isRateLimited(error)) {
      counts.skipped += 1;
      skippedLicense(deps, RECONCILE_SWEEP, license);
      return undefined;
    }
    if (!isDomainError(error) || error.name !== 'UpstreamError') throw error;
    deps.logger.warn('license reconciliation stopped: an upstream failed', {
      license: shortHash(license.licenseHash),
      reason: error.message,
    });
    return 'upstream';
  }
}

/** An `active` LemonSqueezy license whose facts are older than `staleAfterMs`. */
function isStale(deps: ServiceDeps, license: LicenseRecord, options: ReconcileOptions): boolean {
  const age = deps.clock.now().getTime() - Date.parse(license.statusCheckedAt);
  return (
    license.status === 'active' && license.provider !== undefined && age >= options.staleAfterMs
  );
}

/** Confirms one license with LemonSqueezy and enforces it; the license as stored after. */
async function confirm(
  deps: ServiceDeps,
  license: LicenseRecord,
  counts: Counts,
): Promise<LicenseRecord | undefined> {
  const licenseKey = await storedLicenseKey(deps, license);
  if (licenseKey === null) {
    // Deleted at LemonSqueezy (or an id that is not this key's): the next validate finds out.
    deps.logger.warn('license not reconciled: LemonSqueezy has no such key', {
      license: shortHash(license.licenseHash),
    });
    return undefined;
  }
  // Confirmed or failed: the stored status served again would not be a confirmation.
  const refreshed = await confirmLicense(deps, license, licenseKey);
  counts.confirmed += 1;
  deps.metrics.count('LicensesReconciled');
  const liveBefore = refreshed.ai !== undefined && refreshed.ai.disabledAt === undefined;
  await enforceLicense(deps, refreshed);
  const after = await deps.store.get(license.licenseHash);
  if (liveBefore && after?.ai?.disabledAt !== undefined) counts.keysRevoked += 1;
  return after;
}

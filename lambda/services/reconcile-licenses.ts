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
import { orderCheckDue, recoverOrderRefund } from './recover-order-refund.ts';
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
  /** A usable license's order is read again this long after its last read (step 3). */
  orderCheckEveryMs: number;
  /** Order reads per run at most (REST calls, outside the License API budget). */
  maxOrderChecks: number;
  /** Pause after an order read, unless the visit already paused for a confirmation. */
  orderSpacingMs: number;
}

/**
 * 200 licenses a run, one every 3 s (20 License API calls a minute of the known licenses' 35 in
 * the budget, for about 10 minutes); a daily run confirms every silent license within
 * `licenses not validating / 200` days. Run it more often (the schedule) for more.
 *
 * Orders: each usable license's order is read once a week, one REST call
 * (`GET /v1/orders/:id`) each. The orders list cannot be asked for what changed (it filters by
 * store, email and number only, newest first), so finding a refund of an older order by listing
 * means walking every order every run; reading each license's own order costs `usable licenses
 * / 7` calls a day instead (1,000 licenses: about 143). At most 300 a run, one every 500 ms at
 * most (under 120 a minute of the REST API's 300, and under 3 minutes; a read during a
 * confirmation's visit rides on its 3 s pause): a daily run keeps the weekly cadence up to about
 * 2,100 usable licenses, and stretches it to `licenses / 300` days beyond.
 */
export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = {
  staleAfterMs: 86_400_000,
  maxLicenses: 200,
  spacingMs: 3000,
  maxPages: 200,
  pageSize: 200,
  orderCheckEveryMs: 7 * 86_400_000,
  maxOrderChecks: 300,
  orderSpacingMs: 500,
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
  /** Orders read from LemonSqueezy's REST API. */
  ordersChecked: number;
  /** Full refunds found there that no webhook had brought, applied. */
  refundsRecovered: number;
  /** Why order reads ended before the walk did: an order read failed, or the run's cap. */
  orderChecksStopped?: SweepStop;
  /** Licenses passed over because their own share of LemonSqueezy's budget was spent. */
  skipped: number;
}

type Counts = Omit<ReconcileSummary, keyof SweepProgress>;

/**
 * Confirms with LemonSqueezy the usable licenses whose facts are older than `staleAfterMs`, so a
 * lost webhook (a key disabled, a subscription expired, a seat freed in LemonSqueezy's dashboard)
 * is caught within a run even for a client that stopped validating and keeps a live AI key, and
 * repairs what a two-system step left half-way on licenses of any status (docs/design.md,
 * "Two-system steps"; before, licenses stored `disabled`, `expired` or `inactive` were never read):
 * 1. walk the LemonSqueezy licenses of every status from where the last run stopped (a cursor in
 *    the table; the Scan bills the items it reads before its filter, so reading every status
 *    costs no more capacity than reading the active ones);
 * 2. for a stale `active` one, read its key from LemonSqueezy's REST API (we keep only a hash) and
 *    refresh it exactly as a validate would: facts stored if nothing newer is (I4), seats
 *    reconciled (I3), a refusal not confirmed yet only marked (I11); then enforce what was
 *    found like after a webhook (I1);
 * 3. for a usable one whose order was not read for `orderCheckEveryMs`, read its order (REST) and
 *    apply a full refund no webhook brought, as `order_refunded` would (`recoverOrderRefund`);
 *    at most `maxOrderChecks` a run, and none after one fails (the run itself goes on);
 * 4. any status: a key out of step with the license's verdict (live on a license that may not use
 *    it, or an enable or disable whose intent was left open past the lease) is put back in step
 *    at OpenRouter and recorded (`settleKey`; OpenRouter only);
 * 5. any status: device claims pending past the activation lease are settled (`settleLostSeats`:
 *    the seat a dead activation took at LemonSqueezy is freed, the claim given back);
 * 6. stop at `maxLicenses` LemonSqueezy visits (2 and 5 each count one), or at the first upstream
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
    ordersChecked: 0,
    refundsRecovered: 0,
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

/** Steps 2 to 5 for one license; says why the run must stop, if it must. */
async function reconcileOne(
  deps: ServiceDeps,
  license: LicenseRecord,
  options: ReconcileOptions,
  counts: Counts,
): Promise<SweepStop | undefined> {
  const visits = () => counts.confirmed + counts.claimsSettled;
  try {
    let current = license;
    const stale = isStale(deps, license, options);
    if (stale) {
      if (visits() >= options.maxLicenses) return 'cap';
      current = (await confirm(deps, license, counts)) ?? current;
      if (options.spacingMs > 0) await sleep(options.spacingMs);
    }
    current = (await checkOrder(deps, current, options, counts, stale)) ?? current;
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

/**
 * Step 3 for one license, when its order is due a read and the run's order reads are not over:
 * a refund found is applied (`recoverOrderRefund`). An upstream failure ends the run's order
 * reads and the rest of the run goes on (the license is due again next run); the license as
 * stored after, when a refund may have changed it.
 */
async function checkOrder(
  deps: ServiceDeps,
  license: LicenseRecord,
  options: ReconcileOptions,
  counts: Counts,
  pausedAlready: boolean,
): Promise<LicenseRecord | undefined> {
  if (
    counts.orderChecksStopped ||
    !orderCheckDue(license, deps.clock.now(), options.orderCheckEveryMs)
  ) {
    return undefined;
  }
  if (counts.ordersChecked >= options.maxOrderChecks) {
    counts.orderChecksStopped = 'cap';
    return undefined;
  }
  counts.ordersChecked += 1;
  let changed = false;
  try {
    changed = (await recoverOrderRefund(deps, license)) === 'refund-recovered';
    if (changed) counts.refundsRecovered += 1;
  } catch (error) {
    if (!isDomainError(error) || error.name !== 'UpstreamError') throw error;
    // The refund may be recorded already, its key not yet disabled: read it for `settleKey`.
    changed = true;
    counts.orderChecksStopped = 'upstream';
    deps.logger.warn('order reads stopped for this run: an upstream failed', {
      license: shortHash(license.licenseHash),
      reason: error.message,
    });
  }
  if (!pausedAlready && options.orderSpacingMs > 0) await sleep(options.orderSpacingMs);
  return changed ? deps.store.get(license.licenseHash) : undefined;
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

import type { LicenseRecord } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Why a sweep's run ended early: LemonSqueezy failed (or its budget is spent), or the run's cap. */
export type SweepStop = 'upstream' | 'cap';

export interface SweepPages {
  /** License items read per run at most, in pages of `pageSize` (a Scan, billed per item read). */
  maxPages: number;
  pageSize: number;
  /** Visit LemonSqueezy licenses of every status, not only `active` ones (same cost per page). */
  anyStatus?: boolean;
}

export interface SweepProgress {
  licensesRead: number;
  /** Whether the walk reached the end of the table (the next run starts from the beginning). */
  wrapped: boolean;
  stoppedBy?: SweepStop;
}

/**
 * Walks the usable LemonSqueezy licenses (all of them with `anyStatus`) for the scheduled sweep
 * `name`, page by page from
 * where its last run stopped (a `SWEEP#<name>` cursor in the table), so every license is reached
 * across runs however large the table. `visit` may end the run; the page it was on is read again
 * next time, so what it still holds is not skipped.
 */
export async function sweepLicenses(
  deps: ServiceDeps,
  name: string,
  pages: SweepPages,
  visit: (license: LicenseRecord) => Promise<SweepStop | undefined>,
): Promise<SweepProgress> {
  const progress: SweepProgress = { licensesRead: 0, wrapped: false };
  const save = (cursor: string | undefined) =>
    deps.store.saveSweepCursor(name, cursor, deps.clock.now().toISOString());
  let cursor = await deps.store.sweepCursor(name);
  for (let page = 0; page < pages.maxPages; page += 1) {
    const { licenses, next } = await deps.store.activeLicensePage(
      cursor,
      pages.pageSize,
      pages.anyStatus,
    );
    progress.licensesRead += licenses.length;
    for (const license of licenses) {
      const stop = await visit(license);
      if (stop) {
        await save(cursor);
        deps.metrics.count('SweepsStopped', { Sweep: name, Reason: stop });
        return { ...progress, stoppedBy: stop };
      }
    }
    cursor = next;
    progress.wrapped = next === undefined;
    await save(cursor);
    if (progress.wrapped) break;
  }
  return progress;
}

/**
 * A sweep passed `license` over: its own share of LemonSqueezy's budget is spent this minute
 * (its requests used it), which says nothing of the other licenses, so the run goes on and the
 * next one visits it again.
 */
export function skippedLicense(deps: ServiceDeps, sweep: string, license: LicenseRecord): void {
  deps.metrics.count('SweepsSkipped', { Sweep: sweep });
  deps.logger.warn('license skipped: its LemonSqueezy share is spent this minute', {
    sweep,
    license: shortHash(license.licenseHash),
  });
}

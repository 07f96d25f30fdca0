import { licenseHashInKeyName } from '#domain/key-name.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ServiceDeps } from './service-deps.ts';
import { settleKey } from './settle-key.ts';

export interface ReapOptions {
  /** Keys younger than this may belong to a request still in flight: leave them. */
  minAgeMs: number;
  /** Pages of 100 keys to read at most per run; the next run goes on from there. */
  maxPages: number;
}

export const DEFAULT_REAP_OPTIONS: ReapOptions = { minAgeMs: 15 * 60 * 1000, maxPages: 20 };

/**
 * Deletes OpenRouter keys we created that no license points at. Compensation already deletes
 * the keys of lost races and failed writes; this catches what it cannot: a key whose creation
 * answer never reached us (timeout after OpenRouter acted), a compensation that failed, a
 * function that died between creating a key and storing it. Runs on a schedule.
 * 1. list enabled keys, newest first, page by page, from where the last run stopped (an offset
 *    kept in the table), so every key is reached across runs however many there are;
 * 2. skip keys not named by us and keys younger than `minAgeMs`;
 * 3. delete a key unless its license still holds exactly that key; a key its license holds but
 *    may not use (unusable, operator hold, record disabled) is disabled instead: listed enabled,
 *    it is live at OpenRouter whatever the record says (issue 21: the reaper used to skip it);
 * 4. at the end of the list, start over next run. Keys created meanwhile push older ones further
 *    down the list (they are looked at again, which is harmless); new keys are reached at the
 *    next wrap, at most `total / (maxPages × 100)` runs later.
 */
export async function reapOrphanKeys(
  deps: ServiceDeps,
  options: ReapOptions = DEFAULT_REAP_OPTIONS,
): Promise<{ examined: number; deleted: number; settled: number; wrapped: boolean }> {
  const cutoff = deps.clock.now().getTime() - options.minAgeMs;
  let offset = offsetOf(await deps.store.sweepCursor(ORPHAN_SWEEP));
  let examined = 0;
  let deleted = 0;
  let settled = 0;
  let wrapped = false;
  for (let page = 0; page < options.maxPages && !wrapped; page += 1) {
    const keys = await deps.keys.list(offset);
    let deletedHere = 0;
    let settledHere = 0;
    for (const key of keys) {
      const licenseHash = licenseHashInKeyName(key.name, deps.policy.deploymentId);
      if (!licenseHash || key.disabled || new Date(key.createdAt).getTime() > cutoff) continue;
      examined += 1;
      const license = await deps.store.get(licenseHash);
      // The license's key, live or disabled (kept to be enabled again in its period), stays; but
      // it is listed enabled, so one its license may not use (disabled, on hold, an enable or
      // disable that failed half-way) is disabled now (`settleKey`).
      if (license?.ai?.hash === key.hash) {
        if ((await settleKey(deps, license, true)) === 'disabled') settledHere += 1;
        continue;
      }
      await deps.keys.remove(key.hash);
      deletedHere += 1;
      deps.logger.warn('deleted an orphan ai key', {
        key: shortHash(key.hash),
        license: shortHash(licenseHash),
      });
    }
    deleted += deletedHere;
    settled += settledHere;
    // The keys after this page moved up by the ones deleted or disabled (no longer listed).
    offset += keys.length - deletedHere - settledHere;
    wrapped = keys.length < PAGE_SIZE;
  }
  await deps.store.saveSweepCursor(
    ORPHAN_SWEEP,
    wrapped ? undefined : String(offset),
    deps.clock.now().toISOString(),
  );
  return { examined, deleted, settled, wrapped };
}

/** OpenRouter lists keys 100 at a time. */
const PAGE_SIZE = 100;

/** The name the walk's progress is stored under (`SWEEP#orphan-keys`): an offset in the list. */
export const ORPHAN_SWEEP = 'orphan-keys';

function offsetOf(cursor: string | undefined): number {
  const offset = Number(cursor);
  return Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
}

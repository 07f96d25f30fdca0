import { licenseHashInKeyName } from '#domain/key-name.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ServiceDeps } from './service-deps.ts';

export interface ReapOptions {
  /** Keys younger than this may belong to a request still in flight: leave them. */
  minAgeMs: number;
  /** Pages of 100 keys to read at most per run (newest first). */
  maxPages: number;
}

export const DEFAULT_REAP_OPTIONS: ReapOptions = { minAgeMs: 15 * 60 * 1000, maxPages: 20 };

/**
 * Deletes OpenRouter keys we created that no license points at. Compensation already deletes
 * the keys of lost races and failed writes; this catches what it cannot: a key whose creation
 * answer never reached us (timeout after OpenRouter acted), a compensation that failed, a
 * function that died between creating a key and storing it. Runs on a schedule.
 * 1. list enabled keys, newest first, page by page;
 * 2. skip keys not named by us and keys younger than `minAgeMs`;
 * 3. delete a key unless its license still holds exactly that key.
 */
export async function reapOrphanKeys(
  deps: ServiceDeps,
  options: ReapOptions = DEFAULT_REAP_OPTIONS,
): Promise<{ examined: number; deleted: number }> {
  const cutoff = deps.clock.now().getTime() - options.minAgeMs;
  let examined = 0;
  let deleted = 0;
  for (let page = 0; page < options.maxPages; page += 1) {
    const keys = await deps.keys.list(page * 100);
    for (const key of keys) {
      const licenseHash = licenseHashInKeyName(key.name, deps.policy.deploymentId);
      if (!licenseHash || key.disabled || new Date(key.createdAt).getTime() > cutoff) continue;
      examined += 1;
      const license = await deps.store.get(licenseHash);
      // The license's key, live or disabled (kept to be enabled again in its period), stays.
      if (license?.ai?.hash === key.hash) continue;
      await deps.keys.remove(key.hash);
      deleted += 1;
      deps.logger.warn('deleted an orphan ai key', {
        key: shortHash(key.hash),
        license: shortHash(licenseHash),
      });
    }
    if (keys.length < 100) break;
  }
  return { examined, deleted };
}

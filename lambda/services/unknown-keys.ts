import type { LicenseRecord } from '#domain/license.ts';
import { type Refusal, refused } from '#domain/outcome.ts';
import { type Caller, ipSubject } from '#domain/rate-limits.ts';
import { REMEMBERED_CODES, type RememberedRefusal } from '#domain/remembered-refusal.ts';
import { shortHash } from '#domain/secrets.ts';
import { overLimit } from './rate-limit.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Before LemonSqueezy is asked about a key we do not hold: the caller's IP limit on unknown keys
 * (counted here, before the upstream call it guards), then the refusal LemonSqueezy gave for
 * this key lately, if any. Undefined when LemonSqueezy should be asked.
 */
export async function screenUnknownKey(
  deps: ServiceDeps,
  caller: Caller,
  licenseHash: string,
): Promise<Refusal | undefined> {
  const limited = await overLimit(deps, 'unknownKey', ipSubject(caller));
  if (limited) return limited;
  if (deps.policy.negativeCacheMs <= 0) return undefined;
  const known = await deps.negativeCache.get(licenseHash, deps.clock.now());
  return known && refused(known.code, known.detail);
}

/**
 * LemonSqueezy refused a key we do not hold (unknown there, or not ours): remember it, so a
 * repeat costs no upstream call. Keys we hold are never remembered: their news is stored on the
 * license. Losing the note costs only a later upstream call, so a failed write is logged, not
 * answered.
 */
export async function rememberRefusal(
  deps: ServiceDeps,
  stored: LicenseRecord | undefined,
  licenseHash: string,
  refusal: Refusal,
): Promise<Refusal> {
  if (stored || deps.policy.negativeCacheMs <= 0 || !isRemembered(refusal)) return refusal;
  const expiresAt = new Date(deps.clock.now().getTime() + deps.policy.negativeCacheMs);
  try {
    await deps.negativeCache.remember(licenseHash, refusal, expiresAt);
  } catch (error) {
    deps.logger.warn('unknown key not remembered', {
      license: shortHash(licenseHash),
      reason: error instanceof Error ? error.name : typeof error,
    });
  }
  return refusal;
}

const rememberedCodes: ReadonlySet<string> = new Set(REMEMBERED_CODES);

function isRemembered(refusal: Refusal): refusal is Refusal & RememberedRefusal {
  return rememberedCodes.has(refusal.code);
}

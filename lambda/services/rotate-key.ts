import { UpstreamError } from '#domain/errors.ts';
import { aiKeyName } from '#domain/key-name.ts';
import type { AiKey, LicenseRecord } from '#domain/license.ts';
import { currentPeriodEnd, isKeyDue } from '#domain/period.ts';
import type { ServiceDeps } from './service-deps.ts';

const MAX_ATTEMPTS = 3;

/**
 * Makes sure a SaaS license holds a key for its current period and returns the license as
 * stored. Exactly one key per license and period survives parallel callers:
 * 1. nothing to do for BYOK plans or while the stored key's period lasts;
 * 2. create a key at OpenRouter with the plan's credits, expiring at the period's end;
 * 3. install it only if the stored key is still the one we saw (conditional write);
 * 4. lost the race: delete our key (no orphan), use the winner's;
 * 5. won: disable the previous period's key (it has expired at OpenRouter by then anyway).
 */
export async function rotateKey(deps: ServiceDeps, license: LicenseRecord): Promise<LicenseRecord> {
  let current = license;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const now = deps.clock.now();
    if (!isKeyDue(current, now)) return current;
    const periodEnd = currentPeriodEnd(current, now);
    const previous = current.ai;
    const created = await deps.keys.create({
      name: aiKeyName(current.licenseHash, periodEnd),
      limitUsd: current.plan.creditsUsd,
      expiresAt: periodEnd,
    });
    const next: AiKey = {
      hash: created.hash,
      token: created.token,
      limit: created.limit,
      limitRemaining: created.limitRemaining,
      limitCheckedAt: now.toISOString(),
      periodEnd: periodEnd.toISOString(),
      issuedAt: now.toISOString(),
    };
    let stored: LicenseRecord | undefined;
    try {
      stored = await deps.store.replaceAiKey(current.licenseHash, previous?.hash ?? null, next);
    } catch (error) {
      await discardKey(deps, created.hash);
      throw error;
    }
    if (stored) {
      deps.logger.info('ai key issued', {
        license: current.licenseHash.slice(0, 12),
        key: created.hash.slice(0, 12),
        periodEnd: next.periodEnd,
      });
      if (previous) await retireKey(deps, previous.hash);
      return stored;
    }
    await discardKey(deps, created.hash);
    const reread = await deps.store.get(current.licenseHash);
    if (!reread) throw new Error('license vanished during key rotation');
    current = reread;
  }
  throw new UpstreamError('openrouter', 'unavailable', 'key issuance is contended; try again.');
}

/**
 * Disables the license's key upstream, then forgets it. Upstream first: if OpenRouter is down
 * the request fails and the record still points at the key, so a retry finishes the job.
 */
export async function revokeKey(deps: ServiceDeps, license: LicenseRecord): Promise<LicenseRecord> {
  const key = license.ai;
  if (!key) return license;
  await deps.keys.disable(key.hash);
  const cleared = await deps.store.clearAiKey(license.licenseHash, key.hash);
  deps.logger.info('ai key revoked', {
    license: license.licenseHash.slice(0, 12),
    key: key.hash.slice(0, 12),
  });
  return cleared ?? (await deps.store.get(license.licenseHash)) ?? license;
}

/** The license with `limit_remaining` no older than the usage TTL (one OpenRouter call at most). */
export async function withFreshUsage(
  deps: ServiceDeps,
  license: LicenseRecord,
): Promise<LicenseRecord> {
  const key = license.ai;
  const now = deps.clock.now();
  if (!key || now.getTime() - new Date(key.limitCheckedAt).getTime() < deps.policy.usageTtlMs) {
    return license;
  }
  const usage = await deps.keys.usage(key.hash);
  // A key deleted by hand at OpenRouter has nothing left to spend until the next period.
  const limitRemaining = usage && !usage.disabled ? usage.limitRemaining : 0;
  const checkedAt = now.toISOString();
  await deps.store.recordKeyUsage(license.licenseHash, key.hash, limitRemaining, checkedAt);
  return { ...license, ai: { ...key, limitRemaining, limitCheckedAt: checkedAt } };
}

/** Deletes a key nobody references (compensation). Failing that, logs it for an operator. */
export async function discardKey(deps: ServiceDeps, hash: string): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    try {
      await deps.keys.remove(hash);
      return;
    } catch (error) {
      if (attempt === 2) {
        deps.logger.error('orphan ai key left at OpenRouter: delete it by hand', {
          key: hash,
          reason: error instanceof Error ? error.message : 'unknown',
        });
      }
    }
  }
}

async function retireKey(deps: ServiceDeps, hash: string): Promise<void> {
  try {
    await deps.keys.disable(hash);
  } catch (error) {
    // The key's own expires_at has passed, so it is dead at OpenRouter even if this failed.
    deps.logger.warn('could not disable the previous period key', {
      key: hash.slice(0, 12),
      reason: error instanceof Error ? error.message : 'unknown',
    });
  }
}

import { randomUUID } from 'node:crypto';
import { keyState } from '#domain/audit.ts';
import { UpstreamError } from '#domain/errors.ts';
import { aiKeyName } from '#domain/key-name.ts';
import type { AiKey, KeyIntent, LicenseRecord, SpentKey } from '#domain/license.ts';
import { liveKey } from '#domain/license-rules.ts';
import { currentPeriod, keyPeriodCurrent, periodCredit, spentKeyOf } from '#domain/period.ts';
import { shortHash } from '#domain/secrets.ts';
import { countIssuedKey } from './outcome-metrics.ts';
import type { ServiceDeps } from './service-deps.ts';

const MAX_ATTEMPTS = 3;

/**
 * What `ensureAiKey` did: the license as stored now, or `changed` when the license's facts moved
 * under us (a webhook, a refresh): the caller must decide again whether it may be used at all.
 */
export type KeyResult = { license: LicenseRecord } | { changed: true };

/**
 * Makes sure a usable SaaS license holds a live key for its current credit period, never exposing
 * more than the period's credit (I1):
 * 1. BYOK, a license an operator holds (`aiHold`), or a live key of the current period →
 *    nothing to do;
 * 2. a disabled key of the current period (access was taken away and is back) → enable that same
 *    key again (OpenRouter PATCH); if OpenRouter no longer has it, record what it spent;
 * 3. no key for the current period (a trial period's key once the first payment opened a paid
 *    period counts as none) → create one with the period's credit (the trial's for a trial
 *    period) minus what dead keys of the period spent (nothing when that is used up, when the
 *    period's payment was refunded, or when no period may start now: I5);
 * 4. install it with a conditional write on the previous key and on the facts we decided on:
 *    a lost race or changed facts delete the new key (no orphan) and decide again;
 * 5. won: disable the previous period's key (it has expired at OpenRouter by then anyway).
 */
export async function ensureAiKey(deps: ServiceDeps, license: LicenseRecord): Promise<KeyResult> {
  let current = license;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (current.plan.aiMode !== 'saas') return { license: current };
    // An operator turned the AI off: the key stays as it is (disabled) until they turn it on.
    if (current.aiHold) return { license: current };
    const now = deps.clock.now();
    const key = current.ai;
    if (key && keyPeriodCurrent(current, key, now)) {
      // An open intent: OpenRouter may hold the key disabled whatever `disabledAt` says.
      if (!key.disabledAt && !key.intent) return { license: current };
      const enabled = await enableAgain(deps, current, key);
      if ('changed' in enabled) return enabled;
      if (liveKey(enabled.license, now)) return enabled;
      current = enabled.license;
      continue;
    }
    const period = currentPeriod(current, now);
    if (period === null) return { license: current };
    const { left, spentKeys } = periodCredit(current, period);
    if (left <= 0) return { license: current };
    const installed = await installNewKey(deps, current, period.end, left, spentKeys);
    if (installed) {
      if (key) await retireKey(deps, key.hash);
      return { license: installed };
    }
    const latest = await reread(deps, current);
    if (factsChanged(current, latest)) return { changed: true };
    current = latest;
  }
  throw new UpstreamError('openrouter', 'unavailable', 'key issuance is contended; try again.');
}

async function installNewKey(
  deps: ServiceDeps,
  license: LicenseRecord,
  periodEnd: Date,
  limitUsd: number,
  spentKeys: SpentKey[],
): Promise<LicenseRecord | undefined> {
  const now = deps.clock.now();
  const created = await deps.keys.create({
    name: aiKeyName(deps.policy.deploymentId, license.licenseHash, periodEnd),
    limitUsd,
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
    stored = await deps.store.installAiKey(license, license.ai?.hash ?? null, next, spentKeys);
  } catch (error) {
    stored = await installedAfterAll(deps, license, created.hash, error);
  }
  if (!stored) {
    await discardKey(deps, created.hash);
    return undefined;
  }
  countIssuedKey(deps.metrics, next.limit);
  await deps.audit.record({
    licenseHash: license.licenseHash,
    action: 'key.issue',
    before: keyState(license.ai),
    after: keyState(next),
  });
  deps.logger.info('ai key issued', {
    license: shortHash(license.licenseHash),
    key: shortHash(created.hash),
    limitUsd,
    periodEnd: next.periodEnd,
  });
  return stored;
}

/**
 * The install failed with no answer we can read (DynamoDB down, or its answer lost and every
 * retry refused): it may still have committed. The stored license says: our key is there (the
 * install went through: carry on), or it is not (delete the key: no orphan, and throw). If even
 * that read fails, the key is left to the orphan reaper, which deletes it unless a license holds
 * it: deleting a key the record may point at would hand out a dead token.
 */
async function installedAfterAll(
  deps: ServiceDeps,
  license: LicenseRecord,
  keyHash: string,
  error: unknown,
): Promise<LicenseRecord> {
  const now = await deps.store.get(license.licenseHash).catch(() => null);
  if (now?.ai?.hash === keyHash) return now;
  if (now === null) {
    deps.logger.warn('ai key install unconfirmed: left to the orphan reaper', {
      license: shortHash(license.licenseHash),
      key: shortHash(keyHash),
    });
  } else {
    await discardKey(deps, keyHash);
  }
  throw error;
}

/**
 * Access is back within the key's period: the same key works again, so its credit is counted
 * once. A two-system step, in this order:
 * 1. open the intent `enabled` (conditional on the facts we decided on; moved facts → decide again);
 * 2. enable at OpenRouter;
 * 3. record it, conditional on those facts and on the intent still being ours; if either moved
 *    (a webhook took access away again, a revoke wrote its own intent) the key is disabled again
 *    and the caller decides anew.
 * Repair: a failure after 1 leaves the intent open, so no reader trusts `disabledAt` about
 * OpenRouter: a revoke does not return early, the next validate of a usable license enables
 * again, and the reaper and the reconciler disable it on a license that may not use it.
 */
async function enableAgain(
  deps: ServiceDeps,
  license: LicenseRecord,
  key: AiKey,
): Promise<KeyResult> {
  const intent = keyIntent(deps, 'enabled');
  const opened = await deps.store.markKeyIntent(license, key.hash, intent);
  if (!opened) return { changed: true };
  if (!(await deps.keys.enable(key.hash))) {
    const gone = await markGone(deps, opened, key, key.usageAtDisable ?? key.limit);
    return { license: gone };
  }
  const enabled = await deps.store.markKeyEnabled(license, key.hash, intent.id);
  if (enabled) {
    deps.metrics.count('AiKeysReEnabled');
    await deps.audit.record({
      licenseHash: license.licenseHash,
      action: 'key.enable',
      before: keyState(key),
      after: keyState(enabled.ai),
    });
    deps.logger.info('ai key enabled again', {
      license: shortHash(license.licenseHash),
      key: shortHash(key.hash),
    });
    return { license: enabled };
  }
  await deps.keys.disable(key.hash);
  return { changed: true };
}

/**
 * Disables the license's key upstream and records what it had spent, keeping the key so the
 * same period can enable it again (I1). A two-system step, in this order:
 * 1. open the intent `disabled` (from here on no reader serves the key: `liveKey`);
 * 2. disable at OpenRouter;
 * 3. record it (`disabledAt`, closing the intent).
 * Repair: a failure after 1 leaves the intent open: the next revoke (a webhook's retry, a
 * validate, the reconciler) does not return early but disables and records again; a usable
 * license's next validate enables it again. `seenEnabled`: the caller saw OpenRouter holding the
 * key enabled (the reaper's listing), so a recorded `disabledAt` is not the truth.
 */
export async function revokeKey(
  deps: ServiceDeps,
  license: LicenseRecord,
  seenEnabled = false,
): Promise<LicenseRecord> {
  const key = license.ai;
  if (!key || (key.disabledAt && !key.intent && !seenEnabled)) return license;
  const opened = await deps.store.markKeyIntent(license, key.hash, keyIntent(deps, 'disabled'));
  if (!opened) return reread(deps, license);
  const disabled = await deps.keys.disable(key.hash);
  if (!disabled) return markGone(deps, license, key, key.limit - key.limitRemaining);
  const at = deps.clock.now().toISOString();
  const stored = await deps.store.markKeyDisabled(
    license.licenseHash,
    key.hash,
    at,
    disabled.usage,
  );
  deps.metrics.count('AiKeysRevoked');
  await deps.audit.record({
    licenseHash: license.licenseHash,
    action: 'key.revoke',
    before: keyState(key),
    after: keyState(stored?.ai ?? { ...key, disabledAt: at }),
  });
  deps.logger.info('ai key revoked', {
    license: shortHash(license.licenseHash),
    key: shortHash(key.hash),
  });
  return stored ?? (await reread(deps, license));
}

/**
 * Records a key OpenRouter no longer has as spent up to `usage` and forgets it, so the next
 * request issues a replacement with what is left of the period's credit.
 */
export async function markGone(
  deps: ServiceDeps,
  license: LicenseRecord,
  key: AiKey,
  usage: number,
): Promise<LicenseRecord> {
  const spent = spentKeyOf(key, usage, deps.clock.now());
  deps.logger.warn('ai key no longer exists at OpenRouter', {
    license: shortHash(license.licenseHash),
    key: shortHash(key.hash),
  });
  return (
    (await deps.store.markKeyGone(license.licenseHash, spent)) ?? (await reread(deps, license))
  );
}

/** A new intent of this writer to move the key to `to` at OpenRouter. */
function keyIntent(deps: ServiceDeps, to: KeyIntent['to']): KeyIntent {
  return { to, since: deps.clock.now().toISOString(), id: randomUUID() };
}

async function reread(deps: ServiceDeps, license: LicenseRecord): Promise<LicenseRecord> {
  const stored = await deps.store.get(license.licenseHash);
  if (!stored) throw new Error('license vanished during a key change');
  return stored;
}

/** Whether LemonSqueezy facts (or a refund, of the order or a payment) were written since `before` was read. */
function factsChanged(before: LicenseRecord, after: LicenseRecord): boolean {
  return (
    before.factsAsOf !== after.factsAsOf ||
    before.subscriptionAsOf !== after.subscriptionAsOf ||
    before.refundedAt !== after.refundedAt ||
    (before.refundedPayments?.length ?? 0) !== (after.refundedPayments?.length ?? 0)
  );
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
      key: shortHash(hash),
      reason: error instanceof Error ? error.message : 'unknown',
    });
  }
}

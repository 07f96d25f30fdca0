import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense, creditWithdrawn, liveKey } from '#domain/license-rules.ts';
import { shortHash } from '#domain/secrets.ts';
import { ensureAiKey, revokeKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Whether the license's verdict wants its key working at OpenRouter now (no operator hold, and
 * its period's payment not refunded).
 */
export function keyWanted(license: LicenseRecord, now: Date): boolean {
  const key = license.ai;
  return (
    license.plan.aiMode === 'saas' &&
    !license.aiHold &&
    key !== undefined &&
    new Date(key.periodEnd) > now &&
    !creditWithdrawn(license, now) &&
    checkLicense(license, now, 'validate').ok
  );
}

/**
 * Puts a key's state at OpenRouter and its record back in step after an enable or disable that
 * failed between its two writes (docs/design.md, "Two-system steps"), for the scheduled sweeps
 * (reaper, reconciler), where no request waits:
 * 1. an intent opened less than the activation lease ago belongs to a request still running
 *    (functions time out before the lease): left alone;
 * 2. a license whose verdict does not want the key (unusable, operator hold) has it
 *    disabled and recorded (`revokeKey`) when the record says live, an intent is open, or
 *    `seenEnabled` (OpenRouter listed it enabled, whatever the record says);
 * 3. a usable license with an intent left open has the key enabled again and recorded
 *    (`ensureAiKey`, the same step a validate takes); one the record says disabled while
 *    OpenRouter listed it enabled is disabled (in step with the record; its next validate enables
 *    it, as for any key disabled in its period).
 * Only OpenRouter is called: none of this spends the LemonSqueezy budget.
 */
export async function settleKey(
  deps: ServiceDeps,
  license: LicenseRecord,
  seenEnabled = false,
): Promise<'enabled' | 'disabled' | undefined> {
  const key = license.ai;
  if (!key) return undefined;
  const now = deps.clock.now();
  // A key of an ended period expired at OpenRouter by itself (its `expires_at`): nothing to
  // settle unless OpenRouter still lists it enabled.
  if (new Date(key.periodEnd) <= now && !seenEnabled) return undefined;
  const leaseStart = now.getTime() - deps.policy.activationLeaseMs;
  if (key.intent && Date.parse(key.intent.since) > leaseStart) return undefined;
  if (keyWanted(license, now)) {
    if (key.intent) {
      const result = await ensureAiKey(deps, license);
      if ('changed' in result || !liveKey(result.license, now)) return undefined;
      log(deps, license, 'enabled');
      return 'enabled';
    }
    if (!(seenEnabled && key.disabledAt)) return undefined;
  } else if (key.disabledAt && !key.intent && !seenEnabled) {
    return undefined;
  }
  await revokeKey(deps, license, seenEnabled);
  log(deps, license, 'disabled');
  return 'disabled';
}

function log(deps: ServiceDeps, license: LicenseRecord, state: 'enabled' | 'disabled'): void {
  deps.metrics.count('AiKeysSettled');
  deps.logger.warn('ai key out of step with its license: settled', {
    license: shortHash(license.licenseHash),
    key: shortHash(license.ai?.hash ?? ''),
    state,
  });
}

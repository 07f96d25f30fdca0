import type { LicenseRecord } from './license.ts';
import { type RefreshDecision, seatsOutOfStep, usageDue, type Verdict } from './license-rules.ts';
import { currentPeriod, keyPeriodCurrent, periodCredit } from './period.ts';

/**
 * What a validate is about to ask LemonSqueezy or OpenRouter:
 * - `required`: the answer depends on it (a status refresh, a seat reconciliation, a key to
 *   issue or enable again within the period's credit, a key to disable);
 * - `optional`: only the cached `limit_remaining` is stale (a figure the client only displays);
 * - `none`: the answer comes from the table.
 */
export type UpstreamWork = 'none' | 'optional' | 'required';

/**
 * Decided before any call, from the same facts `validateLicense` decides on (`verdict` and
 * `refresh` for `license` at `now`), so that only validates that reach an upstream count against
 * the per-license limit: one served from the table stays write-free. It mirrors `serveLicense`
 * and `ensureAiKey`; where they would do more after a refresh, that is the same request.
 */
export function upstreamWork(
  license: LicenseRecord,
  now: Date,
  verdict: Verdict,
  refresh: RefreshDecision,
  usageTtlMs: number,
): UpstreamWork {
  if (refresh.due || seatsOutOfStep(license, now)) return 'required';
  // A license that may not be used has its live key disabled, once (again if a change is open).
  const key = license.ai;
  if (!verdict.ok) return key && (!key.disabledAt || key.intent) ? 'required' : 'none';
  if (keyWorkDue(license, now)) return 'required';
  return usageDue(license, now, usageTtlMs) ? 'optional' : 'none';
}

/** Whether `ensureAiKey` would call OpenRouter: enable the period's key again, or create one. */
function keyWorkDue(license: LicenseRecord, now: Date): boolean {
  if (license.plan.aiMode !== 'saas') return false;
  const key = license.ai;
  if (key && keyPeriodCurrent(license, key, now)) return Boolean(key.disabledAt || key.intent);
  // No period may start (I5), or its credit is spent or refunded: nothing to ask for.
  const period = currentPeriod(license, now);
  return period !== null && periodCredit(license, period).left > 0;
}

import { planTermsOf } from '#config/products-schema.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense, relianceEnd } from '#domain/license-rules.ts';
import type { LicenseGrant, Outcome } from '#domain/outcome.ts';
import { revokeKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The plan's features and how long the answer holds: a usable license may be relied on for the
 * plan's cache window and, offline, its grace window, never past an end we know of (the license's
 * own, a cancelled subscription's, a subscription trial's: `relianceEnd`); a refused
 * one unlocks nothing and grants no offline grace (the client asks again after the cache window).
 */
export function grantTerms(
  deps: ServiceDeps,
  license: LicenseRecord,
  now: Date,
  usable: boolean,
): Pick<LicenseGrant, 'entitlements' | 'cacheUntil' | 'graceUntil'> {
  const terms = planTermsOf(deps.products, license.kind, license.plan.productName);
  const at = now.getTime();
  const end = relianceEnd(license);
  const graceUntil = usable ? Math.max(at, Math.min(at + terms.graceMs, end)) : at;
  const cacheUntil = usable ? Math.min(at + terms.cacheMs, graceUntil) : at + terms.cacheMs;
  return {
    entitlements: usable ? terms.entitlements : [],
    cacheUntil: new Date(cacheUntil).toISOString(),
    graceUntil: new Date(graceUntil).toISOString(),
  };
}

/**
 * The answer for a license this validate would otherwise refuse with a 4xx (never activated here,
 * or a device it does not have) when its stored facts say it can no longer be used: 200
 * `expired`/`suspended` for the license (its key disabled), because the shipped client keeps its
 * cached "licensed" on any refusal and has no offline limit, so only that 200 ends its use.
 * Undefined while the facts allow use (the refusal stands). Only what makes the license unusable
 * on any device counts (`checkLicense`'s activate phase), never the seats of the devices here.
 */
export async function unusableLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
): Promise<Outcome<LicenseGrant> | undefined> {
  const now = deps.clock.now();
  const verdict = checkLicense(license, now, 'activate');
  if (verdict.ok) return undefined;
  const revoked = await revokeKey(deps, license);
  const device = revoked.lastActivation;
  return {
    ok: true,
    value: {
      license: revoked,
      ...(device ? { device } : {}),
      licenseKey,
      scope: 'license',
      refusal: { code: verdict.code, detail: verdict.detail },
      ...grantTerms(deps, revoked, now, false),
    },
  };
}

import { findPlanVariant } from '#config/products-schema.ts';
import { isRateLimited, UpstreamError } from '#domain/errors.ts';
import type { LicenseRecord, ProviderFacts, Sighting } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import type { Subscription } from '#domain/subscription.ts';
import type { ProviderAnswer } from '#ports/license-provider.ts';
import { reconcileSeats } from './activate-device.ts';
import { storedFacts, toProviderFacts } from './provider-facts.ts';
import type { ServiceDeps } from './service-deps.ts';
import {
  contradictingRefusal,
  markRefusal,
  refusalConfirmed,
  refusalTooYoung,
} from './unconfirmed-refusals.ts';

/**
 * Who refreshes: a validate (the stored status may be served when LemonSqueezy fails), a validate
 * with a key due (new credits only on a confirmed status: failures throw), or a confirmation by
 * the reconciler or an operator's sync (failures throw; an unconfirmed refusal keeps the facts).
 */
type RefreshMode = 'validate' | 'key-due' | 'confirm';

/**
 * The license with its status confirmed by LemonSqueezy now, for a validate; the caller decides
 * when that is due (`refreshDecision`: the store-wide limit is 60 calls a minute, so one call per
 * validate would cap the service). If LemonSqueezy fails, the stored status is served while younger
 * than the grace period, except when a key is due (`keyDue`: new credits are only handed out on a
 * confirmed status), and then the failure is thrown; the same when the license's own share of
 * LemonSqueezy's budget is spent (the call not made: 429 past the grace or with a key due). So is a
 * refusal not confirmed yet (`unconfirmed-refusals.ts`, I11 in docs/design.md, "Invariants"):
 * marked on the license, the stored facts served or, with a key due or past the grace, a 503;
 * within `REFUSAL_CONFIRM_AFTER_MS` of the first refusal a validate does not ask again (no read
 * could confirm it yet). What LemonSqueezy says is stored only if nothing newer was stored
 * meanwhile (a webhook applied while we asked wins: I4), and the devices are reconciled with its
 * instances (I3). A validate's `sighting` (heartbeat, usage figure) rides on the same write.
 */
export function refreshLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
  keyDue: boolean,
  sighting?: Sighting,
): Promise<LicenseRecord> {
  return refresh(deps, license, licenseKey, keyDue ? 'key-due' : 'validate', sighting);
}

/**
 * `refreshLicense` for the reconciler and an operator's sync, whatever the license's age: a
 * LemonSqueezy failure is thrown, never the stored status served again; an unconfirmed refusal
 * is marked and the stored facts kept (nothing is revoked on one read), the license returned.
 */
export function confirmLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
): Promise<LicenseRecord> {
  return refresh(deps, license, licenseKey, 'confirm');
}

async function refresh(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
  mode: RefreshMode,
  sighting?: Sighting,
): Promise<LicenseRecord> {
  const now = deps.clock.now();
  const age = now.getTime() - new Date(license.statusCheckedAt).getTime();
  const withinGrace = age < deps.policy.statusGraceMs;
  if (mode === 'validate' && refusalTooYoung(license, now)) {
    if (withinGrace) return license;
    throw unconfirmed();
  }
  let answer: ProviderAnswer;
  let subscription: Subscription | null | undefined;
  try {
    answer = await deps.provider.validate(licenseKey);
    if (answer.found === true && license.subscription) {
      subscription = await deps.provider.getSubscription(license.subscription.id);
    }
  } catch (error) {
    const upstream = deps.upstreamTrouble.noteFailure(error, now);
    // The license's own share of LemonSqueezy's budget spent (429): LemonSqueezy was not asked,
    // as when it is busy, so the stored status stands in the same way (it is no trouble upstream).
    const ownShareSpent = isRateLimited(error);
    if ((upstream || ownShareSpent) && withinGrace && mode === 'validate') {
      deps.logger.warn('LemonSqueezy not asked: serving the stored status', {
        license: shortHash(license.licenseHash),
        statusAgeSeconds: Math.round(age / 1000),
        reason: ownShareSpent ? 'license share spent' : 'upstream failed',
      });
      return license;
    }
    throw error;
  }
  const refusal = contradictingRefusal(license, answer, now);
  if (refusal) {
    if (!(await refusalConfirmed(deps, license, now))) {
      const marked = await markRefusal(deps, license, refusal, now);
      if (mode === 'confirm' || (mode === 'validate' && withinGrace)) return marked;
      throw unconfirmed();
    }
    deps.logger.warn('LemonSqueezy refusal confirmed: stored', {
      license: shortHash(license.licenseHash),
      answer: refusal,
    });
  }
  const saved =
    (await deps.store.saveProviderFactsIfNewer(
      license,
      factsFrom(deps, license, answer, subscription, now),
      now.toISOString(),
      sighting,
    )) ?? (await deps.store.get(license.licenseHash));
  if (!saved) throw new Error('license vanished during a status refresh');
  return answer.found === true ? reconcileSeats(deps, saved) : saved;
}

/** A refusal not confirmed yet, where the stored status may not stand in: retry later (503). */
function unconfirmed(): UpstreamError {
  return new UpstreamError(
    'lemonsqueezy',
    'unavailable',
    'refused this license, not confirmed yet; try again in a few minutes.',
  );
}

function factsFrom(
  deps: ServiceDeps,
  license: LicenseRecord,
  answer: ProviderAnswer,
  subscription: Subscription | null | undefined,
  now: Date,
): ProviderFacts {
  if (answer.found !== true) {
    // LemonSqueezy no longer knows the key (deleted upstream): it cannot be used any more.
    return { ...storedFacts(license), status: 'disabled', statusCheckedAt: now.toISOString() };
  }
  const configured = findPlanVariant(
    deps.products,
    answer.license.productId,
    answer.license.variantId,
  );
  // A variant dropped from config keeps the plan it was sold with.
  const plan = configured ?? {
    ...license.plan,
    productId: answer.license.productId,
    variantId: answer.license.variantId,
  };
  return toProviderFacts(answer.license, plan, subscription, now);
}

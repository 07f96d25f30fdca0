import { findPlanVariant } from '#config/products-schema.ts';
import type { LicenseRecord, ProviderFacts, Sighting, Subscription } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ProviderAnswer } from '#ports/license-provider.ts';
import { reconcileSeats } from './activate-device.ts';
import { storedFacts, toProviderFacts } from './provider-facts.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The license with its status confirmed by LemonSqueezy now; the caller decides when that is due
 * (`refreshDecision`: the store-wide limit is 60 calls a minute, so one call per validate would
 * cap the service). If LemonSqueezy fails, the stored status is served while younger than the
 * grace period, except when the caller must have a confirmed status (`mustConfirm`): a key is
 * due (new credits are only handed out on a confirmed status), an operator's sync, the
 * reconciler; their LemonSqueezy failure is thrown. What LemonSqueezy says is stored only if
 * nothing newer was stored meanwhile (a webhook applied while we asked wins: I4), and the devices
 * are reconciled with its instances (I3). A validate's `sighting` (heartbeat, usage figure) rides
 * on the same write.
 */
export async function refreshLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
  mustConfirm: boolean,
  sighting?: Sighting,
): Promise<LicenseRecord> {
  const now = deps.clock.now();
  const age = now.getTime() - new Date(license.statusCheckedAt).getTime();
  let answer: ProviderAnswer;
  let subscription: Subscription | null | undefined;
  try {
    answer = await deps.provider.validate(licenseKey);
    if (answer.found && license.subscription) {
      subscription = await deps.provider.getSubscription(license.subscription.id);
    }
  } catch (error) {
    const upstream = deps.upstreamTrouble.noteFailure(error, now);
    if (upstream && age < deps.policy.statusGraceMs && !mustConfirm) {
      deps.logger.warn('LemonSqueezy unreachable: serving the stored status', {
        license: shortHash(license.licenseHash),
        statusAgeSeconds: Math.round(age / 1000),
      });
      return license;
    }
    throw error;
  }
  const saved =
    (await deps.store.saveProviderFactsIfNewer(
      license,
      factsFrom(deps, license, answer, subscription, now),
      now.toISOString(),
      sighting,
    )) ?? (await deps.store.get(license.licenseHash));
  if (!saved) throw new Error('license vanished during a status refresh');
  return answer.found ? reconcileSeats(deps, saved) : saved;
}

function factsFrom(
  deps: ServiceDeps,
  license: LicenseRecord,
  answer: ProviderAnswer,
  subscription: Subscription | null | undefined,
  now: Date,
): ProviderFacts {
  if (!answer.found) {
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

import { findPlanVariant } from '#config/products-schema.ts';
import { isDomainError } from '#domain/errors.ts';
import type { LicenseRecord, ProviderFacts } from '#domain/license.ts';
import { checkLicense } from '#domain/license-rules.ts';
import { isKeyDue } from '#domain/period.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ProviderAnswer, ProviderSubscription } from '#ports/license-provider.ts';
import { reconcileSeats } from './activate-device.ts';
import { storedFacts, toProviderFacts } from './provider-facts.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * While a key is due but LemonSqueezy has not recorded the renewal yet (or the subscription is
 * past due), ask again at most this often rather than on every validate.
 */
const DUE_RECHECK_MS = 15 * 60 * 1000;

/**
 * The license with a status LemonSqueezy confirmed recently enough. It asks LemonSqueezy only
 * when the stored status is older than the status TTL or the AI key is due for rotation (the
 * store-wide limit is 60 calls a minute, so one call per validate would cap the service).
 * If LemonSqueezy fails, the stored status is served while younger than the grace period,
 * except when a rotation is due: new credits are only handed out on a confirmed status.
 * What LemonSqueezy says is stored only if nothing newer was stored meanwhile (a webhook applied
 * while we asked wins: I4), and the devices are reconciled with its instances (I3).
 */
export async function refreshLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  licenseKey: string,
): Promise<LicenseRecord> {
  const now = deps.clock.now();
  const age = now.getTime() - new Date(license.statusCheckedAt).getTime();
  // A key is only worth a LemonSqueezy call when the stored status would let us issue one;
  // otherwise a revoked license would cost an upstream call on every validate.
  const keyDue =
    isKeyDue(license, now) && checkLicense(license, now, 'validate').ok && age >= DUE_RECHECK_MS;
  if (license.kind !== 'lemonsqueezy') return license;
  // Fresh status: no LemonSqueezy call, but a reconciliation that failed after the facts were
  // stored (a webhook's lower instances_count, a failed instance list) is finished here; it costs
  // nothing while the stored seat count covers our active devices.
  if (age < deps.policy.statusTtlMs && !keyDue) return reconcileSeats(deps, license);

  let answer: ProviderAnswer;
  let subscription: ProviderSubscription | null | undefined;
  try {
    answer = await deps.provider.validate(licenseKey);
    if (answer.found && license.subscription) {
      subscription = await deps.provider.getSubscription(license.subscription.id);
    }
  } catch (error) {
    if (
      isDomainError(error) &&
      error.name === 'UpstreamError' &&
      age < deps.policy.statusGraceMs &&
      !keyDue
    ) {
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
    )) ?? (await deps.store.get(license.licenseHash));
  if (!saved) throw new Error('license vanished during a status refresh');
  return answer.found ? reconcileSeats(deps, saved) : saved;
}

function factsFrom(
  deps: ServiceDeps,
  license: LicenseRecord,
  answer: ProviderAnswer,
  subscription: ProviderSubscription | null | undefined,
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

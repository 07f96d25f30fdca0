import { activeDevices, pickDevice, slotOf } from '#domain/device-slots.ts';
import { UpstreamError, unexpectedUpstreamAnswer } from '#domain/errors.ts';
import { type Activation, type LicenseRecord, licenseHashOf } from '#domain/license.ts';
import {
  canonicalLicenseKey,
  legacyLicenseHash,
  spellingHash,
  strippedLicenseKey,
} from '#domain/license-key.ts';
import { checkLicense, refreshDecision, seatsOutOfStep } from '#domain/license-rules.ts';
import { type LicenseGrant, type Outcome, refused } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import { isTrialKey } from '#domain/secrets.ts';
import type { LicenseProvider, ProviderAnswer } from '#ports/license-provider.ts';
import type { ActivateRequest } from '#schemas/activate.ts';
import { activateDevice, reconcileSeats } from './activate-device.ts';
import { providerKeyFor, storedLicenseFor } from './license-lookup.ts';
import { countActivation, countThrownActivation } from './outcome-metrics.ts';
import { checkSellable, newLicenseRecord, toProviderFacts } from './provider-facts.ts';
import { overLimit, refuseUnknownKey } from './rate-limit.ts';
import { revokeKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';
import { contradictingRefusal, markRefusal, refusalConfirmed } from './unconfirmed-refusals.ts';
import { rememberRefusal, screenUnknownKey } from './unknown-keys.ts';
import { serveLicense } from './validate-license.ts';

/**
 * Activates a license key on a device. A request naming a key we do not hold first counts against
 * its IP's limit on unknown keys, and is answered LemonSqueezy's recent refusal of that key
 * again, if any (negative cache); only then (a refusal there writes nothing else) does it count
 * against its license's rate limit, as every request for a key we hold does first. Every
 * LemonSqueezy call counts against the license's own share of the budget too
 * (`BudgetedLicenseProvider`: past it, 429).
 * Trial keys: answer the trial on its own device only.
 * LemonSqueezy keys:
 * 0. a device that holds its seat on fresh, usable facts is served from the table (no upstream
 *    call, as a validate would be);
 * 1. validate upstream (uses no seat) the spelling the caller gave, stripped of what pasting
 *    adds — with the device's instance id when we know the device, so a seat LemonSqueezy no
 *    longer holds is noticed (I2) — and refuse keys that are unknown, not ours, test-mode,
 *    disabled or expired. The license is the one of LemonSqueezy's spelling of the key
 *    (docs/design.md, "License key spelling"): a spelling LemonSqueezy accepts but that folds to
 *    another key is activated again under LemonSqueezy's spelling;
 * 2. store what LemonSqueezy said unless newer facts are stored (`asOf` taken before the read,
 *    I4); SaaS plans also look up the subscription whose `renews_at` ends the credit period; link
 *    its order and subscription to it for webhooks;
 * 3. a known device whose instance LemonSqueezy still holds keeps it; otherwise the device takes
 *    a seat (one upstream activation however many requests race), after the stored devices are
 *    reconciled with LemonSqueezy's instances (I3);
 * 4. serve the license: the SaaS key of the current period, live.
 */
export async function activateLicense(
  deps: ServiceDeps,
  request: ActivateRequest & FromCaller,
): Promise<Outcome<LicenseGrant>> {
  const seating = { taken: false };
  let outcome: Outcome<LicenseGrant>;
  try {
    outcome = await activateSteps(deps, request, seating);
  } catch (error) {
    countThrownActivation(deps.metrics, error);
    throw error;
  }
  countActivation(deps.metrics, outcome, seating.taken);
  return outcome;
}

/** Whether the request took a seat for its device (an activation metric's `new`). */
interface Seating {
  taken: boolean;
}

/** The steps of `activateLicense`, above; `respelled` once re-run with LemonSqueezy's spelling. */
async function activateSteps(
  deps: ServiceDeps,
  request: ActivateRequest & FromCaller,
  seating: Seating,
  respelled = false,
): Promise<Outcome<LicenseGrant>> {
  const canonicalHash = licenseHashOf(request.licenseKey);
  const stored = await storedLicenseFor(deps, request.licenseKey);
  if (isTrialKey(canonicalLicenseKey(request.licenseKey))) {
    return activateTrial(deps, request, stored);
  }
  // LemonSqueezy judges the spelling sent; its refusals are remembered per spelling.
  const sent = strippedLicenseKey(request.licenseKey);
  // A key we do not hold: the caller's IP limit, and LemonSqueezy's recent "no" (negative cache),
  // before anything is counted for the key, so a refused request writes nothing more.
  const screened = stored
    ? undefined
    : await screenUnknownKey(deps, request.caller, spellingHash(sent));
  if (screened) return screened;
  // A re-run in LemonSqueezy's spelling is the same request: counted once.
  const limited = respelled ? undefined : await overLimit(deps, 'activate', canonicalHash);
  if (limited) return limited;
  const known = stored ? knownDevice(stored, request.instanceName) : undefined;
  // The device holds its seat on facts fresh enough to serve a validate: so is a re-activation.
  if (stored && known && servableFromTable(deps, stored)) {
    return serveLicense(deps, stored, known, providerKeyFor(stored, sent), 'activate');
  }
  const asOf = deps.clock.now();
  // A key never stored here asks with the first-contact share of LemonSqueezy's budget.
  const provider = stored ? deps.provider : deps.firstContact;
  const answer = await askLemonSqueezy(provider, sent, known);
  // A 404 for a license we hold usable, asked in LemonSqueezy's own spelling, proves nothing on
  // its own (I11): retry later, unless the REST API agrees the key is gone (then the refusal
  // below, and validate stores it). Another spelling's 404 is only that spelling's (I10).
  const ownSpelling = stored !== undefined && providerKeyFor(stored, sent) === sent;
  if (ownSpelling && contradictingRefusal(stored, answer, asOf) === 'not-found') {
    if (!(await refusalConfirmed(deps, stored, asOf))) {
      await markRefusal(deps, stored, 'not-found', asOf);
      throw new UpstreamError('lemonsqueezy', 'unavailable', 'refused this license; try again.');
    }
  }
  if (!answer.found) {
    // A spelling LemonSqueezy does not know says nothing of the license it folds to: it is
    // refused and the stored license, if any, is left as it is (only a refresh in its own
    // spelling, or a webhook, may find it gone).
    const unknown = refused('LICENSE_NOT_FOUND', 'This license key does not exist.');
    return rememberRefusal(deps, stored, spellingHash(sent), unknown);
  }
  const sellable = checkSellable(deps, answer.license);
  if (!sellable.ok) {
    const refusal = refused(sellable.code, sellable.detail);
    return rememberRefusal(deps, stored, spellingHash(sent), refusal);
  }
  // LemonSqueezy's own spelling names the license (a license stored before that keeps its id).
  const providerKey = answer.key ?? sent;
  // Not found under the caller's spelling, but under LemonSqueezy's (a license filed before
  // canonical spellings, under the key as it was sent then): activate that one, not a second.
  const legacy = legacyLicenseHash(providerKey);
  const filedElsewhere =
    !stored &&
    (licenseHashOf(providerKey) !== canonicalHash ||
      (legacy !== undefined && (await deps.store.get(legacy)) !== undefined));
  if (filedElsewhere) {
    if (respelled) {
      throw new UpstreamError('lemonsqueezy', 'bad-response', 'spelled one key two ways.');
    }
    return activateSteps(deps, { ...request, licenseKey: providerKey }, seating, true);
  }
  const licenseHash = stored?.licenseHash ?? canonicalHash;

  const subscription =
    sellable.plan.aiMode === 'saas'
      ? await deps.provider.findSubscription(answer.license.orderId, answer.license.orderItemId)
      : undefined;
  const facts = toProviderFacts(answer.license, sellable.plan, subscription, asOf);
  const saved =
    (await deps.store.saveProviderFactsIfNewer(
      newLicenseRecord(licenseHash, facts, asOf),
      facts,
      asOf.toISOString(),
    )) ?? (await deps.store.get(licenseHash));
  if (!saved) throw new Error('license vanished during activation');
  // Webhooks name orders and subscriptions, never license keys: remember which license they mean.
  const [order] = await Promise.all([
    deps.webhooks.linkLicense('order', String(answer.license.orderId), licenseHash),
    subscription && deps.webhooks.linkLicense('subscription', String(subscription.id), licenseHash),
  ]);
  // The order was refunded before this key was first activated here: it is refunded too.
  const license =
    order.orderRefundedAt && !saved.refundedAt
      ? ((await deps.store.markRefunded(licenseHash, order.orderRefundedAt)) ?? saved)
      : saved;

  const verdict = checkLicense(license, deps.clock.now(), 'activate');
  if (!verdict.ok) {
    await revokeKey(deps, license);
    return refused(verdict.code, verdict.detail);
  }
  // The seat is taken, and the answer given, in LemonSqueezy's spelling: the client keeps that.
  const spelled = { ...request, licenseKey: providerKey };
  const seated = await seat(deps, { license, stored }, spelled, known, answer, seating);
  if (!seated.ok) return seated;
  return serveLicense(deps, seated.value.license, seated.value.device, providerKey, 'activate');
}

/**
 * Whether a device that holds its seat can be answered from the table, with no LemonSqueezy
 * call: the license is usable as stored, its status is younger than `STATUS_TTL_SECONDS`, no key
 * is due (a key is only issued on a confirmed status), and the stored seats agree with
 * LemonSqueezy's count. Exactly when a validate would not ask either. A device whose seat
 * LemonSqueezy freed behind our back is noticed at the next refresh, as by validate (I3).
 */
function servableFromTable(deps: ServiceDeps, license: LicenseRecord): boolean {
  const now = deps.clock.now();
  const verdict = checkLicense(license, now, 'validate');
  if (!verdict.ok) return false;
  return (
    !refreshDecision(license, now, verdict, deps.policy.statusTtlMs).due &&
    !seatsOutOfStep(license, now)
  );
}

/**
 * LemonSqueezy's validate, with the known device's instance id. A bare refusal saying only that
 * the instance is gone (no key facts) is followed by a validate of the key alone, whose facts
 * stand in, marked `instanceMissing`: the device is then deactivated and takes a new seat (I3),
 * as when LemonSqueezy's answer describes the key.
 */
async function askLemonSqueezy(
  provider: LicenseProvider,
  licenseKey: string,
  known: Activation | undefined,
): Promise<Exclude<ProviderAnswer, { found: 'bare' }>> {
  const answer = await provider.validate(licenseKey, known?.instanceId);
  if (answer.found !== 'bare') return answer;
  if (answer.refusal !== 'instance-gone' || !known) {
    throw unexpectedUpstreamAnswer('lemonsqueezy', 'a validation');
  }
  const keyOnly = await provider.validate(licenseKey);
  if (keyOnly.found === 'bare') throw unexpectedUpstreamAnswer('lemonsqueezy', 'a validation');
  return keyOnly.found ? { ...keyOnly, instanceMissing: true } : keyOnly;
}

/** The device's stored activation, if it holds one. */
function knownDevice(license: LicenseRecord, instanceName: string): Activation | undefined {
  const slot = slotOf(license, instanceName);
  if (slot?.state !== 'active') return undefined;
  const { state: _state, ...device } = slot;
  return device;
}

/**
 * The device's seat: kept when LemonSqueezy still holds its instance; otherwise the device is
 * marked deactivated (if we knew it) and takes a new seat like any new device.
 */
async function seat(
  deps: ServiceDeps,
  { license, stored }: { license: LicenseRecord; stored: LicenseRecord | undefined },
  request: ActivateRequest,
  known: Activation | undefined,
  answer: Extract<ProviderAnswer, { found: true }>,
  seating: Seating,
): Promise<Outcome<{ license: LicenseRecord; device: Activation }>> {
  if (known && !answer.instanceMissing) return { ok: true, value: { license, device: known } };
  // Fewer seats in use at LemonSqueezy than devices we had recorded before asking: some of ours
  // were freed there, so read its instance list. Otherwise (parallel activations included) the
  // counts agree and no list is needed.
  const recordedBefore = stored ? activeDevices(stored).length : 0;
  const suspect = answer.license.activationUsage < recordedBefore;
  const gone = known ? [known] : suspect ? undefined : [];
  const reconciled = await reconcileSeats(deps, license, gone);
  const taken = await activateDevice(deps, reconciled, request);
  seating.taken = taken.ok;
  return taken;
}

/**
 * A trial key: the trial we hold is answered on its own device (counted against the license's
 * activation limit); a trial key we do not hold only against the caller's IP limit on unknown
 * keys, so guessing writes no counter per guess. `license` is what the table holds for the key.
 */
async function activateTrial(
  deps: ServiceDeps,
  request: ActivateRequest & FromCaller,
  license: LicenseRecord | undefined,
): Promise<Outcome<LicenseGrant>> {
  if (license?.kind !== 'trial') {
    return refuseUnknownKey(deps, request.caller, 'This license key does not exist.');
  }
  const limited = await overLimit(deps, 'activate', licenseHashOf(request.licenseKey));
  if (limited) return limited;
  const device = pickDevice(license, { instanceName: request.instanceName });
  if (!device) return refused('INSTANCE_MISMATCH', 'This trial belongs to another device.');
  return serveLicense(deps, license, device, canonicalLicenseKey(request.licenseKey), 'activate');
}

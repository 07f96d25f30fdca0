import { type DeviceWanted, devicesIn, isDeviceWanted, pickDevice } from '#domain/device-slots.ts';
import { UpstreamError } from '#domain/errors.ts';
import type { Activation, LicenseRecord, Sighting } from '#domain/license.ts';
import {
  type CheckPhase,
  checkLicense,
  heartbeatDue,
  licenseHeartbeatDue,
  liveKey,
  refreshDecision,
  seatsOutOfStep,
  usageDue,
  type Verdict,
} from '#domain/license-rules.ts';
import { type LicenseGrant, type Outcome, refused } from '#domain/outcome.ts';
import type { FromCaller } from '#domain/rate-limits.ts';
import { shortHash } from '#domain/secrets.ts';
import { upstreamWork } from '#domain/upstream-work.ts';
import type { ValidateRequest } from '#schemas/validate.ts';
import { reconcileSeats } from './activate-device.ts';
import { grantTerms, unusableLicense } from './grant-terms.ts';
import {
  readKeyUsage,
  sightingRecorded,
  type UsageRead,
  withFreshUsage,
  withSighting,
} from './key-usage.ts';
import { providerKeyFor, storedLicenseFor } from './license-lookup.ts';
import { countFailedValidate, countValidate } from './outcome-metrics.ts';
import { overLimit, refuseUnknownKey } from './rate-limit.ts';
import { refreshLicense } from './refresh-license.ts';
import { ensureAiKey, revokeKey } from './rotate-key.ts';
import type { ServiceDeps } from './service-deps.ts';

const DEACTIVATED = {
  code: 'DEVICE_DEACTIVATED',
  detail: 'This device was deactivated at LemonSqueezy; activate the license again.',
} as const;

const MISMATCH = 'This device is not activated on this license key.';

/**
 * Re-validates an activated license.
 * 1. unknown here → LICENSE_NOT_FOUND (counted against the caller's IP limit on unknown keys);
 *    stored but never activated here → the same, unless its stored facts say it can no longer
 *    be used: then 200 `expired`/`suspended` (`unusableLicense`);
 * 2. a device named in the request must be one of the license's devices (else INSTANCE_MISMATCH,
 *    or 200 `expired`/`suspended` when the license can no longer be used anyway);
 * 2a. while this instance is in upstream trouble, a validate that must reach an upstream
 *    (`upstreamWork`) counts against the license's limit: over it, 429 RATE_LIMITED;
 * 2b. the daily heartbeat of the device named, or of the license when none is named (the shipped
 *    client's validate: any device of it may be calling), and with it the key's usage when either
 *    is due (`sightingOf`), recorded in the refresh's write below or else in one write of their own;
 * 3. LemonSqueezy licenses: refresh the status (and the devices) when `refreshDecision` says so
 *    (stale, or a key due); otherwise finish a seat reconciliation left undone, if any;
 * 4. a device whose instance LemonSqueezy no longer holds is answered `suspended` with
 *    DEVICE_DEACTIVATED (I3); so is a license none of whose devices holds a seat any more;
 * 5. serve: `expired`/`suspended` (and the key disabled) when the license can no longer be used,
 *    else the period's key with fresh usage.
 */
export async function validateLicense(
  deps: ServiceDeps,
  request: ValidateRequest & FromCaller,
): Promise<Outcome<LicenseGrant>> {
  let outcome: Outcome<LicenseGrant>;
  try {
    outcome = await validateSteps(deps, request);
  } catch (error) {
    countFailedValidate(deps.metrics, error);
    deps.upstreamTrouble.noteFailure(error, deps.clock.now());
    throw error;
  }
  countValidate(deps.metrics, outcome);
  return outcome;
}

/** The steps of `validateLicense`, above. */
async function validateSteps(
  deps: ServiceDeps,
  request: ValidateRequest & FromCaller,
): Promise<Outcome<LicenseGrant>> {
  const license = await storedLicenseFor(deps, request.licenseKey);
  if (!license?.lastActivation) {
    const unusable =
      license &&
      (await unusableLicense(deps, license, providerKeyFor(license, request.licenseKey)));
    if (unusable) return unusable;
    return refuseUnknownKey(deps, request.caller);
  }
  // A request naming no device speaks for the license; its answer carries the last activation's
  // id (the shipped client requires one) but credits no device with the call.
  const named = request.instanceName !== undefined || request.instanceId !== undefined;
  if (named && !pickDevice(license, request) && !namedDeactivated(license, request)) {
    return (
      (await unusableLicense(deps, license, providerKeyFor(license, request.licenseKey))) ??
      refused('INSTANCE_MISMATCH', MISMATCH)
    );
  }
  // Whatever the caller's spelling, LemonSqueezy is asked, and the client answered, in its own.
  const licenseKey = providerKeyFor(license, request.licenseKey);
  const now = deps.clock.now();
  const verdict = checkLicense(license, now, 'validate');
  const refresh = refreshDecision(license, now, verdict, deps.policy.statusTtlMs);
  const trouble = deps.upstreamTrouble.recent(now);
  // In health the stored timestamps bound what a license can make us ask upstream, so nothing is
  // counted (a validate stays write-free); after a failure, one that must reach an upstream counts.
  if (
    trouble &&
    upstreamWork(license, now, verdict, refresh, deps.policy.usageTtlMs) === 'required'
  ) {
    const limited = await overLimit(deps, 'validateUpstream', license.licenseHash);
    if (limited) return limited;
  }
  const caller = named ? pickDevice(license, request) : 'license';
  const seen = await sightingOf(deps, license, caller, now, trouble);
  let sighting = seen.sighting;
  let checked = seen.license;
  if (refresh.due) {
    // In health the refresh is bounded by the timestamps it renews: no per-license count.
    const asking = trouble ? deps : { ...deps, provider: deps.timestampBound };
    checked = await refreshLicense(asking, checked, licenseKey, refresh.keyDue, sighting);
    if (sighting && sightingRecorded(checked, sighting)) sighting = undefined;
  } else if (seatsOutOfStep(checked, now)) {
    checked = await reconcileSeats(deps, checked);
  }
  const device = pickDevice(checked, request);
  if (device) {
    // Unchanged facts keep their verdict; anything re-read is checked again.
    const known = checked === license ? verdict : undefined;
    return serveLicense(deps, checked, device, licenseKey, 'validate', known, {
      sighting,
      ...(named ? {} : { scope: 'license' as const }),
    });
  }
  // A device deactivated long ago is forgotten (bounded item size); the last activation stands in.
  const gone = named
    ? namedDeactivated(checked, request)
    : (devicesIn(checked, 'deactivated')[0] ?? checked.lastActivation);
  if (!gone) {
    return (
      (await unusableLicense(deps, checked, licenseKey)) ?? refused('INSTANCE_MISMATCH', MISMATCH)
    );
  }
  // No seat left here: no token either (the key is kept, disabled, for a re-activation, I1).
  const revoked = pickDevice(checked, {}) ? checked : await revokeKey(deps, checked);
  const grant = {
    license: revoked,
    device: gone,
    licenseKey,
    ...(named ? {} : { scope: 'license' as const }),
  };
  const terms = grantTerms(deps, revoked, deps.clock.now(), false);
  return { ok: true, value: { ...grant, ...terms, refusal: DEACTIVATED } };
}

/**
 * What this validate should record in passing (docs/design.md, "Usage freshness"): the caller's
 * daily heartbeat (the device named, or the license when none is named), and with it the key's
 * usage read from OpenRouter, once either is due; the usage alone when it is due (the caller's
 * sighting comes along, as the write is made anyway). Nothing is read while this instance is in
 * upstream trouble: the cached figure is served.
 */
async function sightingOf(
  deps: ServiceDeps,
  license: LicenseRecord,
  caller: Activation | 'license' | undefined,
  now: Date,
  trouble: boolean,
): Promise<UsageRead & { sighting?: Sighting }> {
  const beat =
    caller === 'license'
      ? licenseHeartbeatDue(license, now)
      : caller !== undefined && heartbeatDue(license, caller, now);
  const wantsUsage =
    !trouble &&
    liveKey(license, now) !== undefined &&
    (beat || usageDue(license, now, deps.policy.usageTtlMs));
  if (!beat && !wantsUsage) return { license };
  const read = wantsUsage ? await readKeyUsage(deps, license) : { license };
  if (!beat && !read.usage) return { license: read.license };
  const sighting: Sighting = { at: now.toISOString() };
  if (caller === 'license') sighting.license = true;
  else if (caller) sighting.device = caller;
  if (read.usage) sighting.usage = read.usage;
  return { license: read.license, sighting };
}

/**
 * Records `sighting` on its own write, when no other write of the request carried it. It is a
 * fact for the device list, the idle-device release and the displayed credit, not a condition of
 * the answer: a failed write costs only the sighting, and a later validate tries again.
 */
async function recordSighting(
  deps: ServiceDeps,
  license: LicenseRecord,
  sighting: Sighting,
): Promise<LicenseRecord> {
  // A key replaced since the read (a new period) keeps its own, fresh figure.
  const { usage, ...rest } = sighting;
  const current: Sighting = usage && usage.keyHash === license.ai?.hash ? sighting : rest;
  try {
    await deps.store.recordSighting(license.licenseHash, current);
  } catch (error) {
    deps.logger.warn('sighting not recorded', {
      license: shortHash(license.licenseHash),
      reason: error instanceof Error ? error.name : typeof error,
    });
  }
  return withSighting(license, current);
}

/** The deactivated device the request names, if it names one. */
function namedDeactivated(license: LicenseRecord, wanted: DeviceWanted): Activation | undefined {
  if (wanted.instanceName === undefined && wanted.instanceId === undefined) return undefined;
  // The last activation stays known after its forgotten slot: it is deactivated unless active.
  const last = license.lastActivation;
  const lastGone = last && !pickDevice(license, { instanceId: last.instanceId }) ? [last] : [];
  return [...devicesIn(license, 'deactivated'), ...lastGone].find((device) =>
    isDeviceWanted(device, wanted),
  );
}

const MAX_ATTEMPTS = 3;

/**
 * The common end of trial, activate and validate, once the device holds its seat:
 * 1. check the license (on validate, `inactive` — no activation left at LemonSqueezy — is
 *    refused; on activate the device's instance was just created or confirmed there, so it is
 *    not); refused → disable its AI key (kept, to be enabled again in the same period), then
 *    refuse an activation, but grant a validate the license with its refusal and no key: the
 *    shipped client keeps its cached answer on any refusal, so only a 200 saying
 *    `expired`/`suspended` makes it stop treating the license as licensed (I2);
 * 2. SaaS without a live key: make sure this period's key is live (enabled again, or issued within
 *    the period's credit, I1); facts that change meanwhile send us back to 1;
 * 3. activations: refresh the key's remaining credit if the cached figure is stale; a validate
 *    brings its own read in `options.sighting`, recorded here unless an earlier write carried it;
 * 4. grant the live key, if any (none when no period may start until LemonSqueezy says it is
 *    paid, I5). `verdict`, when given, is `checkLicense` of `license` now (not checked twice).
 */
export async function serveLicense(
  deps: ServiceDeps,
  license: LicenseRecord,
  device: Activation,
  licenseKey: string,
  phase: CheckPhase,
  verdict?: Verdict,
  options: { sighting?: Sighting; scope?: 'license' } = {},
): Promise<Outcome<LicenseGrant>> {
  const scope = options.scope ? { scope: options.scope } : {};
  let current = license;
  let known = verdict;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const now = deps.clock.now();
    const checked = known ?? checkLicense(current, now, phase);
    known = undefined;
    if (!checked.ok) {
      const revoked = await revokeKey(deps, current);
      if (phase === 'activate') return refused(checked.code, checked.detail);
      const refusal = { code: checked.code, detail: checked.detail };
      const terms = grantTerms(deps, revoked, now, false);
      return {
        ok: true,
        value: { license: revoked, device, licenseKey, refusal, ...scope, ...terms },
      };
    }
    let keyed = current;
    if (current.plan.aiMode === 'saas' && !liveKey(current, now)) {
      const ensured = await ensureAiKey(deps, current);
      if ('changed' in ensured) {
        current = (await deps.store.get(current.licenseHash)) ?? current;
        continue;
      }
      keyed = ensured.license;
    }
    // A validate brings its own usage read (`options.sighting`); activations read it here.
    const fresh =
      !options.sighting && phase === 'activate' && usageDue(keyed, now, deps.policy.usageTtlMs)
        ? await withFreshUsage(deps, keyed)
        : keyed;
    // The key vanished or was found disabled at OpenRouter while we looked: issue its
    // replacement, or enable it again, now.
    if (liveKey(keyed, now) && !liveKey(fresh, now)) {
      current = fresh;
      continue;
    }
    const seen = options.sighting ? await recordSighting(deps, fresh, options.sighting) : fresh;
    const servedAt = deps.clock.now();
    const aiKey = liveKey(seen, servedAt);
    const terms = grantTerms(deps, seen, servedAt, true);
    const grant = { license: seen, device, licenseKey, ...scope, ...terms };
    return { ok: true, value: aiKey ? { ...grant, aiKey } : grant };
  }
  throw new UpstreamError('openrouter', 'unavailable', 'the license changed while served; retry.');
}

import type { LicenseRecord, RefusalAnswer, UnconfirmedRefusal } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ProviderAnswer } from '#ports/license-provider.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * How long after LemonSqueezy first refused a license we hold as usable a second refusal confirms
 * it. LemonSqueezy has answered `404 license_key not found.` for paid, valid keys for a few minutes
 * during its incidents (docs/upstreams.md, "Not found during incidents"): a refusal that still
 * stands five minutes later is no such blip, and five minutes of a key live too long costs little.
 */
export const REFUSAL_CONFIRM_AFTER_MS = 5 * 60_000;

/**
 * Whether the stored facts let the license be used as far as its key goes (I11 in docs/design.md,
 * "Invariants"): an `active` or `inactive` key, not refunded, not past its own `expires_at`.
 * Subscription states are left out: they come from their own webhooks and REST reads, not from this
 * answer.
 */
function heldUsable(license: LicenseRecord, now: Date): boolean {
  const ended = license.expiresAt !== null && Date.parse(license.expiresAt) <= now.getTime();
  const usableStatus = license.status === 'active' || license.status === 'inactive';
  return license.kind === 'lemonsqueezy' && usableStatus && !license.refundedAt && !ended;
}

/**
 * The refusal in LemonSqueezy's answer that contradicts facts we hold as usable, if any: the key
 * unknown (404), or `disabled`/`expired`. An `expired` answer whose own `expires_at` has passed is
 * not one: an end by date is a fact we can check ourselves, so it applies at once.
 */
export function contradictingRefusal(
  license: LicenseRecord,
  answer: ProviderAnswer,
  now: Date,
): RefusalAnswer | undefined {
  if (!heldUsable(license, now)) return undefined;
  if (answer.found === false) return 'not-found';
  if (answer.found !== true) return undefined;
  const { status, expiresAt } = answer.license;
  if (status === 'disabled') return 'disabled';
  const endedByDate = expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
  return status === 'expired' && !endedByDate ? 'expired' : undefined;
}

/** A refusal first seen less than `REFUSAL_CONFIRM_AFTER_MS` ago: no read can confirm it yet. */
export function refusalTooYoung(license: LicenseRecord, now: Date): boolean {
  const mark = license.unconfirmedRefusal;
  return mark !== undefined && now.getTime() - Date.parse(mark.since) < REFUSAL_CONFIRM_AFTER_MS;
}

/**
 * Whether a refusal just read is confirmed. LemonSqueezy's REST API is asked first (one look-up,
 * its own rate limit): calling the key gone, disabled or expired confirms it now; calling it
 * usable (`active`, `inactive`) contradicts the License API, and the refusal stays unconfirmed
 * however long it lasts (the License API is what is broken then). Only when the REST API cannot
 * answer does time decide: a refusal first seen at least `REFUSAL_CONFIRM_AFTER_MS` before.
 */
export async function refusalConfirmed(
  deps: ServiceDeps,
  license: LicenseRecord,
  now: Date,
): Promise<boolean> {
  const opinion = await restOpinion(deps, license);
  if (opinion !== undefined) return opinion === 'unusable';
  const mark = license.unconfirmedRefusal;
  return mark !== undefined && now.getTime() - Date.parse(mark.since) >= REFUSAL_CONFIRM_AFTER_MS;
}

/** What the REST API says of the key: usable or not; undefined when it cannot be asked. */
async function restOpinion(
  deps: ServiceDeps,
  license: LicenseRecord,
): Promise<'usable' | 'unusable' | undefined> {
  if (!license.provider) return undefined;
  try {
    const status = await deps.provider.licenseKeyStatus(license.provider.licenseId);
    return status === 'active' || status === 'inactive' ? 'usable' : 'unusable';
  } catch (error) {
    deps.logger.warn('LemonSqueezy REST API not asked about a refusal', {
      license: shortHash(license.licenseHash),
      reason: error instanceof Error ? error.message : typeof error,
    });
    return undefined;
  }
}

/**
 * Records the refusal as unconfirmed (its first sighting's time is kept), counted once per
 * license in `UnconfirmedRefusals`; the license as stored after (newer facts, if a webhook wrote
 * some meanwhile, decide instead).
 */
export async function markRefusal(
  deps: ServiceDeps,
  license: LicenseRecord,
  answer: RefusalAnswer,
  now: Date,
): Promise<LicenseRecord> {
  const mark: UnconfirmedRefusal = { since: now.toISOString(), answer };
  const marked = await deps.store.markUnconfirmedRefusal(
    license.licenseHash,
    mark,
    now.toISOString(),
  );
  const stored = marked ?? (await deps.store.get(license.licenseHash)) ?? license;
  if (marked?.unconfirmedRefusal?.since === mark.since && !license.unconfirmedRefusal) {
    deps.metrics.count('UnconfirmedRefusals', { Answer: answer });
  }
  deps.logger.warn('LemonSqueezy refused the license, unconfirmed: stored facts kept', {
    license: shortHash(license.licenseHash),
    answer,
    since: stored.unconfirmedRefusal?.since,
  });
  return stored;
}

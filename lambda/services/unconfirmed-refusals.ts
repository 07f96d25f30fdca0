import type { LicenseRecord, RefusalAnswer, UnconfirmedRefusal } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ProviderAnswer } from '#ports/license-provider.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * How long after LemonSqueezy first refused a license we hold as usable a second refusal
 * confirms it. LemonSqueezy has answered `404 license_key not found.` for paid, valid keys for a
 * few minutes during its incidents (upstreams.md gotcha 12): a refusal that still stands five
 * minutes later is no such blip, and five minutes of a key live too long costs little.
 */
export const REFUSAL_CONFIRM_AFTER_MS = 5 * 60_000;

/**
 * Whether the stored facts let the license be used as far as its key goes (README, I10): an
 * `active` or `inactive` key, not refunded, not past its own `expires_at`. Subscription states
 * are left out: they come from their own webhooks and REST reads, not from this answer.
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
 * Whether `refusal`, just read, is confirmed: a refusal was first seen at least
 * `REFUSAL_CONFIRM_AFTER_MS` before, or LemonSqueezy's REST API also calls the key gone,
 * disabled or expired. A REST failure is no opinion (the refusal stays unconfirmed).
 */
export async function refusalConfirmed(
  deps: ServiceDeps,
  license: LicenseRecord,
  now: Date,
): Promise<boolean> {
  const mark = license.unconfirmedRefusal;
  if (mark && now.getTime() - Date.parse(mark.since) >= REFUSAL_CONFIRM_AFTER_MS) return true;
  if (!license.provider) return false;
  try {
    const status = await deps.provider.licenseKeyStatus(license.provider.licenseId);
    return status === null || status === 'disabled' || status === 'expired';
  } catch (error) {
    deps.logger.warn('LemonSqueezy REST API not asked about a refusal', {
      license: shortHash(license.licenseHash),
      reason: error instanceof Error ? error.message : typeof error,
    });
    return false;
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

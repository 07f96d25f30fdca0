import type { TrialClaims } from '#adapters/dynamodb/trial-store.ts';
import { pickDevice } from '#domain/device-slots.ts';
import { licenseHashOf } from '#domain/license.ts';
import type { LicenseGrant, Outcome } from '#domain/outcome.ts';
import { shortHash } from '#domain/secrets.ts';
import type { ServiceDeps } from './service-deps.ts';
import { serveLicense } from './validate-license.ts';

/**
 * How long a trial's answer can be fetched again after it started: a day, as long as an answer
 * is kept for its `Idempotency-Key`. Long enough for a client to retry after a crash, a timeout
 * or a restart of the app; short enough that the key is not served from the claim for ever (it
 * stays on the claim, unserved, like the AI token on the trial item).
 */
export const TRIAL_RECOVERY_MS = 24 * 60 * 60 * 1000;

/**
 * The trial a request's canonical email and device started together, answered again (the same
 * trial key, device and AI token) while it is recoverable; undefined when it is not, and the
 * caller refuses as before. A trial whose transaction committed but whose answer never reached
 * the client (a crash, a lost answer, a timeout) would otherwise burn the email and the device.
 * Served only when:
 * 1. the claim on the canonical email and the claim on the canonical device name the same trial.
 *    Both were written by that trial's one transaction, so the request holds both identities it
 *    was started with; someone who knows only the email (or only the device id) meets the claim
 *    of another trial, or none, and is refused;
 * 2. the device claim holds the trial's key (claims written before recovery have none and stay
 *    refused), and `recoverableUntil` has not passed;
 * 3. the key is the trial's (its hash is the claims' hash) and the trial item is still a trial.
 * A request that reads the claims while the trial's transaction is half applied (a batch read is
 * not isolated from a transaction) finds no matching pair and is refused: only a twin sent in
 * parallel can meet that; a retry comes after the write and finds both claims.
 */
export async function recoverTrial(
  deps: ServiceDeps,
  claims: TrialClaims,
): Promise<Outcome<LicenseGrant> | undefined> {
  const { email, device } = claims;
  const hash = device?.licenseHash;
  if (!hash || email?.licenseHash !== hash) return undefined;
  const { trialKey, recoverableUntil } = device;
  // Written as `!(now < until)` so that an unreadable time refuses.
  if (!trialKey || !(deps.clock.now().getTime() < Date.parse(recoverableUntil ?? ''))) {
    return undefined;
  }
  if (licenseHashOf(trialKey) !== hash) return undefined;
  const license = await deps.store.get(hash);
  if (license?.kind !== 'trial') return undefined;
  // A trial has one device, the one it was started on (kept as sent, whatever spelling asks now).
  const activation = pickDevice(license, {});
  if (!activation) return undefined;
  deps.logger.info('trial answered again', { license: shortHash(hash) });
  return serveLicense(deps, license, activation, trialKey, 'activate');
}

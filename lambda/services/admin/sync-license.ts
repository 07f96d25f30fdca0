import { InvalidRequestError } from '#domain/errors.ts';
import { type Outcome, refused } from '#domain/outcome.ts';
import type { KeyActionRequest } from '#schemas/admin.ts';
import { enforceLicense } from '../enforce-license.ts';
import { confirmLicense } from '../refresh-license.ts';
import type { AdminDeps, FromActor } from './admin-deps.ts';
import { licenseState, recordAudit } from './audit-trail.ts';
import { findOneLicense, licenseKeyFor } from './find-license.ts';
import type { KeyActionResult } from './key-actions.ts';

/**
 * Re-confirms a license with LemonSqueezy now, whatever its age, and applies what it says:
 * 1. read the key (the request's, or LemonSqueezy's REST API by license id);
 * 2. `confirmLicense`, so a LemonSqueezy failure is an error, never the stored status served
 *    again; newer facts stored meanwhile still win (I4); seats are reconciled (I3); a refusal
 *    not confirmed yet is only marked (I11: nothing is revoked on one read);
 * 3. `enforceLicense`: a license that may no longer be used has its key disabled (I1, I2).
 * A usable license's key is left for its next validate to enable or issue.
 */
export async function syncLicense(
  deps: AdminDeps,
  request: KeyActionRequest & FromActor,
): Promise<Outcome<KeyActionResult>> {
  const license = await findOneLicense(deps, request);
  if (!license) return refused('LICENSE_NOT_FOUND', 'No license matches.');
  if (license.kind === 'trial') {
    throw new InvalidRequestError('A trial has no LemonSqueezy license to sync.');
  }
  const licenseKey = await licenseKeyFor(deps, license, request.licenseKey);
  if (licenseKey === null) {
    return refused('LICENSE_NOT_FOUND', 'LemonSqueezy no longer has this license key.');
  }
  const refreshed = await confirmLicense(deps, license, licenseKey);
  await enforceLicense(deps, refreshed);
  const stored = (await deps.store.get(license.licenseHash)) ?? refreshed;
  const before = licenseState(deps, license);
  const after = licenseState(deps, stored);
  await recordAudit(deps, {
    licenseHash: license.licenseHash,
    actor: request.actor,
    action: 'license.sync',
    before,
    after,
    ...(request.reason ? { detail: { reason: request.reason } } : {}),
  });
  return { ok: true, value: { licenseHash: license.licenseHash, before, after } };
}

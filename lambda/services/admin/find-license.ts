import { InvalidRequestError } from '#domain/errors.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { normaliseEmail } from '#domain/secrets.ts';
import type { LicenseTarget } from '#schemas/admin.ts';
import { providerKeyFor, storedLicenseFor } from '../license-lookup.ts';
import { storedLicenseKey } from '../provider-facts.ts';
import type { AdminDeps } from './admin-deps.ts';

/**
 * The licenses a request names: the one of its key, or those of its customer's email (the
 * email index holds the address trimmed and lower-cased), narrowed by the `license` hash prefix.
 */
export async function findLicenses(
  deps: AdminDeps,
  target: LicenseTarget,
): Promise<LicenseRecord[]> {
  if (target.licenseKey !== undefined) {
    // Any spelling of the key; a license stored before canonical spellings under its own.
    const license = await storedLicenseFor(deps, target.licenseKey);
    const wanted = target.license;
    return license && (wanted === undefined || license.licenseHash.startsWith(wanted))
      ? [license]
      : [];
  }
  const hashes = await deps.admin.licenseHashesByEmail(normaliseEmail(target.email ?? ''));
  const wanted = target.license;
  const picked = wanted === undefined ? hashes : hashes.filter((hash) => hash.startsWith(wanted));
  const licenses = await Promise.all(picked.map((hash) => deps.store.get(hash)));
  return licenses
    .filter((license): license is LicenseRecord => license !== undefined)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * The one license an action is about. An email naming several is refused: an action must never
 * pick a license for the operator (`license` names one of them).
 */
export async function findOneLicense(
  deps: AdminDeps,
  target: LicenseTarget,
): Promise<LicenseRecord | undefined> {
  const licenses = await findLicenses(deps, target);
  if (licenses.length > 1) {
    throw new InvalidRequestError(
      `Field 'email' names ${licenses.length} licenses: add 'license' (the hash prefix license show prints).`,
    );
  }
  return licenses[0];
}

/**
 * The license key of a LemonSqueezy license: the one the request gave, or read from
 * LemonSqueezy's REST API (we keep only its hash) and checked against the hash. Null when
 * LemonSqueezy no longer has it. Held in memory for the call at hand; never stored or logged.
 */
export async function licenseKeyFor(
  deps: AdminDeps,
  license: LicenseRecord,
  given: string | undefined,
): Promise<string | null> {
  // A key the operator typed goes to LemonSqueezy in LemonSqueezy's spelling, as a client's does.
  return given === undefined ? storedLicenseKey(deps, license) : providerKeyFor(license, given);
}

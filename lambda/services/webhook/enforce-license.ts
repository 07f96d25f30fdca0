import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense } from '#domain/license-rules.ts';
import { revokeKey } from '../rotate-key.ts';
import type { ServiceDeps } from '../service-deps.ts';

/**
 * Brings the AI key in line with the stored license: a license that may no longer be used loses
 * its key now (disabled upstream first, then forgotten). Safe to run any number of times; a
 * usable license is left alone (its next validate issues a key for the current period).
 */
export async function enforceLicense(
  deps: ServiceDeps,
  license: LicenseRecord | undefined,
): Promise<void> {
  if (!license?.ai) return;
  const verdict = checkLicense(license, deps.clock.now(), 'validate');
  if (!verdict.ok) await revokeKey(deps, license);
}

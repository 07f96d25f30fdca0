import { type LicenseRecord, licenseHashOf } from '#domain/license.ts';
import { legacyLicenseHash, spelledForProvider } from '#domain/license-key.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The stored license a key names, in any spelling: filed under its canonical spelling, or, for a
 * license stored before canonical spellings under a spelling that was not canonical, under the hash
 * of the key as sent (docs/design.md, "License key spelling": such a license keeps working with the
 * spelling it was activated with). The second read happens only on a miss of such a spelling.
 */
export async function storedLicenseFor(
  deps: Pick<ServiceDeps, 'store'>,
  licenseKey: string,
): Promise<LicenseRecord | undefined> {
  const stored = await deps.store.get(licenseHashOf(licenseKey));
  if (stored) return stored;
  const legacy = legacyLicenseHash(licenseKey);
  return legacy === undefined ? undefined : deps.store.get(legacy);
}

/**
 * The key to send LemonSqueezy on behalf of a stored license, from any spelling the caller
 * gave: in the case LemonSqueezy reported for it, so that a LemonSqueezy matching keys exactly
 * still knows it and a caller's spelling can never make a refresh read "not found".
 */
export function providerKeyFor(license: LicenseRecord, licenseKey: string): string {
  return spelledForProvider(licenseKey, license.provider?.keyCase);
}

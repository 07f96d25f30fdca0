import { createHash } from 'node:crypto';
import { InvalidDeviceIdError } from '#domain/errors.ts';
import { licenseHashOf } from '#domain/license.ts';
import { canonicalDeviceId, canonicalEmail } from '#domain/trial-identity.ts';
import type { ServicePolicy } from '#services/service-policy.ts';

/**
 * Whose request an `Idempotency-Key` belongs to, named from the parsed body. A key is claimed per
 * route and caller, so a key that someone else sends for their own request (by chance, or to shut
 * this caller out) is another key. The caller is what the service keys the request's own work by,
 * so every spelling the service takes for one license, or for one trial, is one caller. It may
 * throw a `DomainError` for input the service refuses as malformed: nothing is claimed then.
 */
export type CallerOf<Input> = (input: Input) => string;

/** Activate and deactivate: the license, as it is stored (never the key itself). */
export function licenseCaller(input: { licenseKey: string }): string {
  return JSON.stringify(['license', licenseHashOf(input.licenseKey)]);
}

/**
 * `/v1/trial`: the canonical device and email the trial's claims are keyed by. The device id is
 * checked against the configured pattern here as `startTrial` checks it (first, for requests
 * without a key too): a device id the service refuses as malformed claims nothing.
 */
export function trialCaller(
  policy: Pick<ServicePolicy, 'trialDeviceIdPattern'>,
): CallerOf<{ instanceName: string; email: string }> {
  return (input) => {
    const device = canonicalDeviceId(input.instanceName);
    if (!policy.trialDeviceIdPattern.test(device)) throw new InvalidDeviceIdError();
    return JSON.stringify(['trial', device, canonicalEmail(input.email)]);
  };
}

/** The only form a caller is stored in: no email address or license hash reaches the item's key. */
export function callerHashOf(caller: string): string {
  return createHash('sha256').update(caller, 'utf8').digest('hex');
}

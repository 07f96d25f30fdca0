import { createHash, randomBytes, randomInt } from 'node:crypto';

/** The id a license is stored under: a SHA-256 of its key, so the table holds no usable key. */
export function licenseHashOf(licenseKey: string): string {
  return createHash('sha256').update(licenseKey, 'utf8').digest('hex');
}

/**
 * The map key a device's slot is stored under: a hash of its name, so no client-chosen string
 * (`__proto__`, `constructor`, a 256-character label) ever becomes an object key (I7).
 */
export function deviceSlotKey(instanceName: string): string {
  return `d${createHash('sha256').update(instanceName, 'utf8').digest('hex').slice(0, 32)}`;
}

/** A short, non-reversible tag for logs: enough to correlate lines, useless to an attacker. */
export function logTag(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12);
}

const TRIAL_KEY = /^trial-[0-9a-f]{12}-[0-9a-f]{12}-[0-9a-z]{8}$/;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A new trial key `trial-<12 hex>-<12 hex>-<8 base36>` from the CSPRNG. */
export function generateTrialKey(): string {
  let tail = '';
  for (let index = 0; index < 8; index += 1) tail += BASE36[randomInt(36)];
  return `trial-${randomBytes(6).toString('hex')}-${randomBytes(6).toString('hex')}-${tail}`;
}

export function isTrialKey(licenseKey: string): boolean {
  return licenseKey.startsWith('trial-');
}

export function isWellFormedTrialKey(licenseKey: string): boolean {
  return TRIAL_KEY.test(licenseKey);
}

/** Emails are compared trimmed and lower-cased, so `A@x.com ` and `a@x.com` are one person. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

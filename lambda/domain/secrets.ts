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

/**
 * How a stored hash (a license's, an OpenRouter key's) appears in logs: its first 12 hex digits,
 * enough to correlate lines. Only hashes are logged, never the keys they are made from.
 */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

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

/** Emails are compared trimmed and lower-cased, so `A@x.com ` and `a@x.com` are one person. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

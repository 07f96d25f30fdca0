import { randomBytes, randomInt } from 'node:crypto';

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

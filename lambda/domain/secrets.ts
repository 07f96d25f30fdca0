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

/**
 * An email trimmed and lower-cased: what the operators' email index holds, and the form trial
 * claims were keyed by before `canonicalEmail` (domain/trial-identity.ts).
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

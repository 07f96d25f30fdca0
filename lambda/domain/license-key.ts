import { createHash } from 'node:crypto';

/**
 * One license, one spelling (docs/design.md, "License key spelling"). LemonSqueezy's keys are
 * UUIDs; whether its License API matches them case-insensitively or ignores invisible characters is
 * not documented. If it does, every spelling of a key it accepts is the same license, so the
 * service files a license under one canonical spelling: otherwise `KEY`, ` key\u200b` and `key`
 * would be three records, each with its own credit and rate-limit bucket. What LemonSqueezy is sent
 * on behalf of a stored license is spelled the way LemonSqueezy reported the key, so a
 * case-sensitive LemonSqueezy still accepts it.
 */

/** What is never part of a key: format (U+200B, U+FEFF, U+00AD…), control and space characters. */
const NOT_OF_A_KEY = /[\p{Cf}\p{Cc}\p{Z}\s]/gu;

/** How LemonSqueezy spells a key's letters; absent when it mixes cases or was never reported. */
export const KEY_CASES = ['lower', 'upper'] as const;
export type KeyCase = (typeof KEY_CASES)[number];

/** The key without what a copy and paste adds to it (spaces, zero-width characters, BOMs). */
export function strippedLicenseKey(licenseKey: string): string {
  return licenseKey.replace(NOT_OF_A_KEY, '');
}

/** The spelling a license is filed under: stripped, lower case. */
export function canonicalLicenseKey(licenseKey: string): string {
  return strippedLicenseKey(licenseKey).toLowerCase();
}

/** The case of LemonSqueezy's own spelling of a key (`license_key.key`); not secret. */
export function keyCaseOf(providerKey: string): KeyCase | undefined {
  if (providerKey === providerKey.toLowerCase()) return 'lower';
  if (providerKey === providerKey.toUpperCase()) return 'upper';
  return undefined;
}

/**
 * The key to send LemonSqueezy on behalf of a license whose key LemonSqueezy spells in `keyCase`:
 * the caller's key stripped and in that case. Without a recorded case (mixed, or a record older
 * than the marker), the caller's stripped spelling, as before.
 */
export function spelledForProvider(licenseKey: string, keyCase: KeyCase | undefined): string {
  const stripped = strippedLicenseKey(licenseKey);
  if (keyCase === 'lower') return stripped.toLowerCase();
  if (keyCase === 'upper') return stripped.toUpperCase();
  return stripped;
}

/** SHA-256 hex of a spelling, as the table and the rate limits name it. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The id a license stored before canonical spellings may have: the hash of the key as it was
 * sent (trimmed). Undefined when that is the canonical id anyway (a key sent as LemonSqueezy
 * spells it in lower case, every trial key), so most misses cost no second read.
 */
export function legacyLicenseHash(licenseKey: string): string | undefined {
  const asSent = licenseKey.trim();
  return asSent === canonicalLicenseKey(licenseKey) ? undefined : sha256Hex(asSent);
}

/**
 * What LemonSqueezy's refusal of a key we do not hold is remembered under: the spelling sent,
 * case and all. A case-sensitive LemonSqueezy refusing `KEY` says nothing of `key`, so a typo in
 * case must not shut out the right spelling for the negative cache's lifetime.
 */
export function spellingHash(licenseKey: string): string {
  return sha256Hex(strippedLicenseKey(licenseKey));
}

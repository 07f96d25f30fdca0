import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import { generateTrialKey, isTrialKey, normaliseEmail, shortHash } from '#domain/secrets.ts';

const TRIAL_KEY = /^trial-[0-9a-f]{12}-[0-9a-f]{12}-[0-9a-z]{8}$/;

describe('generateTrialKey', () => {
  it('returns a key of the form trial-<12 hex>-<12 hex>-<8 base36>', () => {
    // Act
    const key = generateTrialKey();

    // Assess
    expect(key).toMatch(TRIAL_KEY);
  });

  it('returns 1,000 distinct well-formed keys', () => {
    // Act
    const keys = Array.from({ length: 1_000 }, () => generateTrialKey());

    // Assess
    expect(new Set(keys).size).toBe(1_000);
    for (const key of keys) expect(key).toMatch(TRIAL_KEY);
  });
});

describe('isTrialKey', () => {
  it.each([
    ['trial-abcdef012345-0123456789ab-abcd1234', true],
    ['trial-anything', true],
    ['38b1460a-5104-4067-a91d-77b872934d51', false],
    ['TRIAL-abcdef012345-0123456789ab-abcd1234', false],
  ])('classifies %s as a trial key: %s', (key, expected) => {
    // Act
    const result = isTrialKey(key);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('normaliseEmail', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['\tADA@EXAMPLE.COM\n', 'ada@example.com'],
  ])('normalises %j to %j', (email, expected) => {
    // Act
    const result = normaliseEmail(email);

    // Assess
    expect(result).toBe(expected);
  });

  it('makes differently written addresses of one person equal', () => {
    // Act
    const a = normaliseEmail('A@x.com ');
    const b = normaliseEmail('a@x.com');

    // Assess
    expect(a).toBe(b);
  });
});

describe('licenseHashOf', () => {
  it('returns 64 lower-case hex characters', () => {
    // Act
    const hash = licenseHashOf('38b1460a-5104-4067-a91d-77b872934d51');

    // Assess
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('returns the SHA-256 of the key', () => {
    // Act
    const hash = licenseHashOf('abc');

    // Assess
    expect(hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is stable for one key and differs between keys', () => {
    // Act
    const first = licenseHashOf('key-one');
    const again = licenseHashOf('key-one');
    const other = licenseHashOf('key-two');

    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('does not contain the key', () => {
    // Prepare
    const key = 'trial-abcdef012345-0123456789ab-abcd1234';

    // Act
    const hash = licenseHashOf(key);

    // Assess
    expect(hash).not.toContain(key);
    expect(hash).not.toContain('abcdef012345');
  });
});

describe('shortHash', () => {
  it('keeps the first 12 hex digits of a license hash and nothing of its key', () => {
    // Prepare
    const licenseKey = '38b1460a-5104-4067-a91d-77b872934d51';
    const hash = licenseHashOf(licenseKey);

    // Act
    const tag = shortHash(hash);

    // Assess
    expect(tag).toBe(hash.slice(0, 12));
    for (const group of licenseKey.split('-')) expect(tag).not.toContain(group);
  });
});

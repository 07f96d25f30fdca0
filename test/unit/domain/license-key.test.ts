import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import {
  canonicalLicenseKey,
  keyCaseOf,
  legacyLicenseHash,
  spelledForProvider,
} from '#domain/license-key.ts';

const KEY = '38B1460A-5104-4067-A91D-77B872934D51';

describe('canonicalLicenseKey', () => {
  it.each([
    KEY,
    KEY.toLowerCase(),
    ` ${KEY}\u200b`,
    `\ufeff${KEY.slice(0, 8)}\u00ad${KEY.slice(8)}\n`,
    `${KEY.slice(0, 8)}\u00a0${KEY.slice(8)}`,
  ])('folds %j to the one lower-case spelling, so one hash', (spelling) => {
    // Act
    const canonical = canonicalLicenseKey(spelling);

    // Assess
    expect(canonical).toBe(KEY.toLowerCase());
    expect(licenseHashOf(spelling)).toBe(licenseHashOf(KEY.toLowerCase()));
  });
});

describe('spelledForProvider', () => {
  it.each([
    ['upper', ` ${KEY.toLowerCase()}\u200b`, KEY],
    ['lower', KEY, KEY.toLowerCase()],
    [undefined, ` ${KEY.toLowerCase()}\u200b`, KEY.toLowerCase()],
  ] as const)('sends a key of case %s as %s → %s', (keyCase, sent, expected) => {
    // Act
    const spelled = spelledForProvider(sent, keyCase);

    // Assess
    expect(spelled).toBe(expected);
  });
});

describe('keyCaseOf / legacyLicenseHash', () => {
  it('reads the case LemonSqueezy spells a key in, mixed as none', () => {
    // Act + Assess
    expect([keyCaseOf(KEY), keyCaseOf(KEY.toLowerCase()), keyCaseOf('Ab-1')]).toEqual([
      'upper',
      'lower',
      undefined,
    ]);
  });

  it('has an older id only for a spelling that was not canonical', () => {
    // Act + Assess
    expect(legacyLicenseHash(` ${KEY.toLowerCase()} `)).toBeUndefined();
    expect(legacyLicenseHash(KEY)).toMatch(/^[0-9a-f]{64}$/);
    expect(legacyLicenseHash(KEY)).not.toBe(licenseHashOf(KEY));
  });
});

import { describe, expect, it } from 'vitest';
import { aiKeyName, licenseHashInKeyName } from '#domain/key-name.ts';

const HASH = 'ab'.repeat(32);

describe('aiKeyName', () => {
  it('names the deployment, the license by its hash and the period end by its date', () => {
    // Act
    const name = aiKeyName('t0123456789', HASH, new Date('2026-04-02T09:30:00.000Z'));

    // Assess
    expect(name).toBe(`ravn-activate t0123456789 ${HASH} until 2026-04-02`);
  });
});

describe('licenseHashInKeyName', () => {
  it.each([
    ['a name we gave', aiKeyName('t0123456789', HASH, new Date('2026-04-02T00:00:00Z')), HASH],
    [
      "another deployment's key",
      aiKeyName('t9999999999', HASH, new Date('2026-04-02T00:00:00Z')),
      undefined,
    ],
    ['a name without a deployment id', `ravn-activate ${HASH} until 2026-04-02`, undefined],
    ['a key made by hand', 'My Production Key', undefined],
    ['a short hash', 'ravn-activate t0123456789 abcd until 2026-04-02', undefined],
    [
      'upper-case hex',
      `ravn-activate t0123456789 ${HASH.toUpperCase()} until 2026-04-02`,
      undefined,
    ],
  ])('reads %s', (_label, name, expected) => {
    // Act
    const hash = licenseHashInKeyName(name, 't0123456789');

    // Assess
    expect(hash).toBe(expected);
  });
});

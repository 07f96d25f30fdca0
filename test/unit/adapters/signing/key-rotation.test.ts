import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PUBLISH_AHEAD_MS,
  newSigningKey,
  retireKeys,
  rotateKeySet,
  serializeKeySet,
} from '#adapters/signing/key-rotation.ts';
import { type KeySetDocument, parseKeySet, signingKeyAt } from '#adapters/signing/key-set.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('rotateKeySet', () => {
  it('starts a new set with one key that signs at once', () => {
    // Act
    const next = rotateKeySet(undefined, NOW);

    // Assess
    expect(next.keys).toHaveLength(1);
    expect(next.keys[0]).toMatchObject({
      createdAt: NOW.toISOString(),
      signsFrom: NOW.toISOString(),
    });
    expect(next.keys[0]?.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(signingKeyAt(parseKeySet(serializeKeySet(next)), NOW).kid).toBe(next.keys[0]?.kid);
  });

  it('puts a new key in front, published now, signing two hours later; the old key stays', () => {
    // Prepare
    const current = rotateKeySet(undefined, at(-30 * DAY));
    const [old] = current.keys;

    // Act
    const next = rotateKeySet(current, NOW);
    const set = parseKeySet(serializeKeySet(next));

    // Assess
    expect(next.keys).toHaveLength(2);
    expect(next.keys[1]).toEqual(old);
    expect(next.keys[0]?.kid).not.toBe(old?.kid);
    expect(next.keys[0]?.signsFrom).toBe(at(DEFAULT_PUBLISH_AHEAD_MS).toISOString());
    expect(set.jwks.keys.map((jwk) => jwk.kid)).toEqual(next.keys.map((key) => key.kid));
    expect(signingKeyAt(set, NOW).kid).toBe(old?.kid);
    expect(signingKeyAt(set, at(DEFAULT_PUBLISH_AHEAD_MS)).kid).toBe(next.keys[0]?.kid);
    // Publishing two hours ahead outlasts the hour CloudFront keeps GET /v1/keys.
    expect(DEFAULT_PUBLISH_AHEAD_MS).toBeGreaterThan(HOUR + 5 * 60_000);
  });

  it('takes the publishing delay it is given', () => {
    // Act
    const next = rotateKeySet(rotateKeySet(undefined, at(-DAY)), NOW, 0);

    // Assess
    expect(next.keys[0]?.signsFrom).toBe(NOW.toISOString());
  });
});

describe('retireKeys', () => {
  // Three generations: A signed until B started 40 days ago, B until C started 10 days ago.
  const a = newSigningKey(at(-100 * DAY));
  const b = newSigningKey(at(-41 * DAY), at(-40 * DAY));
  const c = newSigningKey(at(-11 * DAY), at(-10 * DAY));
  const pending = newSigningKey(NOW, at(2 * HOUR));
  const set: KeySetDocument = { keys: [pending, c, b, a] };

  it.each([
    ['31 days', 31 * DAY, [a.kid]],
    ['10 days', 10 * DAY, [b.kid, a.kid]],
    ['11 days', 11 * DAY, [a.kid]],
    ['41 days', 41 * DAY, []],
    ['0 days', 0, [b.kid, a.kid]],
  ])('drops the keys that stopped signing at least %s ago', (_label, afterMs, retired) => {
    // Act
    const result = retireKeys(set, NOW, afterMs);

    // Assess
    expect(result.retired.sort()).toEqual([...retired].sort());
    expect(result.next.keys.map((key) => key.kid)).toEqual(
      set.keys.map((key) => key.kid).filter((kid) => !retired.includes(kid)),
    );
  });

  it('never drops the key signing now or a key not signing yet', () => {
    // Act
    const { next } = retireKeys(set, at(365 * DAY), 0);

    // Assess: a year on, the pending key signs and everything older is gone.
    expect(next.keys.map((key) => key.kid)).toEqual([pending.kid]);
    expect(retireKeys({ keys: [pending, c] }, NOW, 0).next.keys).toHaveLength(2);
  });
});

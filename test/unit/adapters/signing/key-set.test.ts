import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSigningKey, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import {
  type KeySetDocument,
  parseKeySet,
  readKeySetDocument,
  signingKeyAt,
  thumbprintOf,
} from '#adapters/signing/key-set.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const HOUR = 3_600_000;

const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const key = (created: Date, signsFrom: Date = created) => newSigningKey(created, signsFrom);
const rsaPem = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

describe('parseKeySet', () => {
  it('parses each key once and publishes every key as an Ed25519 JWK', () => {
    // Prepare
    const document: KeySetDocument = { keys: [key(NOW), key(at(-30 * 24 * HOUR))] };

    // Act
    const set = parseKeySet(serializeKeySet(document));

    // Assess
    expect(set.jwks.keys.map((jwk) => jwk.kid)).toEqual(document.keys.map((stored) => stored.kid));
    for (const jwk of set.jwks.keys) {
      expect(Object.keys(jwk)).toEqual(['kty', 'crv', 'x', 'kid', 'use', 'alg']);
      expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA' });
      expect(jwk.kid).toMatch(
        new RegExp(
          `^\\d{4}-\\d{2}-\\d{2}-${Buffer.from(thumbprintOf(jwk.x), 'base64url').toString('hex').slice(0, 12)}$`,
        ),
      );
    }
    expect(set.keys.every((signing) => signing.privateKey.asymmetricKeyType === 'ed25519')).toBe(
      true,
    );
  });

  it.each([
    ['not JSON', () => 'not json', 'not JSON'],
    ['no keys', () => '{"keys":[]}', "malformed at 'keys'"],
    ['a key without createdAt', () => stripped('createdAt'), "malformed at 'keys.0.createdAt'"],
    ['a kid with a space', () => withField('kid', 'a kid'), "malformed at 'keys.0.kid'"],
    ['a date that is not ISO', () => withField('signsFrom', 'tomorrow'), "'keys.0.signsFrom'"],
    ['a private key that is not PEM', () => withField('privateKey', 'AAAA'), 'not a PEM'],
    ['an RSA key', () => withField('privateKey', rsaPem), 'not an Ed25519 key'],
    ['a kid twice', () => twice(), 'appears twice'],
  ])('refuses %s, naming the field and never a value', (_label, value, problem) => {
    // Prepare
    const text = value();

    // Act
    const thrown = catchError(() => parseKeySet(text));

    // Assess
    expect(thrown.name).toBe('KeySetError');
    expect(thrown.message).toContain(problem);
    expect(thrown.message).not.toMatch(/PRIVATE KEY|AAAA|tomorrow/);
    expect(() => readKeySetDocument(text)).toThrow(problem);
  });
});

describe('signingKeyAt', () => {
  it('signs with the newest key whose start has come, whatever the order stored', () => {
    // Prepare
    const old = key(at(-48 * HOUR));
    const current = key(at(-24 * HOUR));
    const pending = key(NOW, at(2 * HOUR));
    const set = parseKeySet(serializeKeySet({ keys: [old, pending, current] }));

    // Act
    const now = signingKeyAt(set, NOW);
    const later = signingKeyAt(set, at(2 * HOUR));

    // Assess
    expect(now.kid).toBe(current.kid);
    expect(later.kid).toBe(pending.kid);
    expect(set.jwks.keys).toHaveLength(3);
  });

  it('signs with the first key to start when none has started yet', () => {
    // Prepare
    const first = key(NOW, at(HOUR));
    const second = key(NOW, at(3 * HOUR));
    const set = parseKeySet(serializeKeySet({ keys: [second, first] }));

    // Act
    const signing = signingKeyAt(set, NOW);

    // Assess
    expect(signing.kid).toBe(first.kid);
  });
});

function document(): KeySetDocument {
  return { keys: [key(NOW)] };
}

function withField(field: string, value: string): string {
  const doc = document();
  return JSON.stringify({ keys: [{ ...doc.keys[0], [field]: value }] });
}

function stripped(field: string): string {
  const doc = document();
  const { [field as 'kid']: _dropped, ...rest } = doc.keys[0] ?? ({} as never);
  return JSON.stringify({ keys: [rest] });
}

function twice(): string {
  const first = key(NOW);
  const second = { ...key(NOW), kid: first.kid };
  return serializeKeySet({ keys: [first, second] });
}

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

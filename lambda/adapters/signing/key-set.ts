import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import * as z from 'zod';

/**
 * The lease signing keys as stored: SSM SecureString `/ravn/activate/signing-key` in AWS,
 * `SIGNING_KEY` locally. JSON, newest key first (`pnpm signing-key rotate` writes it):
 *
 *   {"keys":[{"kid":"2026-11-23-4f1c9a07b2e3","createdAt":"2026-11-23T05:47:19.000Z",
 *             "signsFrom":"2026-11-23T07:47:19.000Z","privateKey":"-----BEGIN PRIVATE KEY-----\n…"}]}
 *
 * Every key is published at `GET /v1/keys`; the newest whose `signsFrom` has come signs. A new key
 * is published some time before it signs, so that a cached key set (CloudFront, clients) already
 * holds it when the first lease signed with it arrives.
 */
export const keySetDocumentSchema = z.object({
  keys: z
    .array(
      z.object({
        kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_", "-"'),
        createdAt: z.iso.datetime(),
        signsFrom: z.iso.datetime().optional(),
        // PKCS#8 PEM of an Ed25519 private key.
        privateKey: z.string().min(1),
      }),
    )
    .min(1)
    // A standard SSM parameter holds 4 KB: about 20 keys of ~190 bytes each.
    .max(20),
});

export type KeySetDocument = z.infer<typeof keySetDocumentSchema>;
export type StoredKey = KeySetDocument['keys'][number];

/** One public key as a JWK (RFC 8037), as `GET /v1/keys` lists it. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export interface SigningKey {
  kid: string;
  /** When it starts signing (its `signsFrom`, else its `createdAt`), in epoch ms. */
  signsFrom: number;
  privateKey: KeyObject;
  jwk: PublicJwk;
}

/** A parsed key set: the KeyObjects (parsed once) and the JWKS every key is published in. */
export interface KeySet {
  /** By `signsFrom`, latest first. */
  keys: SigningKey[];
  jwks: { keys: PublicJwk[] };
}

/** Why a key set cannot be used; the message names the field, never a value. */
export class KeySetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySetError';
  }
}

/** Parses and checks a stored key set: JSON, the schema, unique kids, Ed25519 PKCS#8 keys. */
export function parseKeySet(text: string): KeySet {
  return keySetOf(readKeySetDocument(text));
}

/** The stored document, checked as `parseKeySet` checks it (the rotation script reads it so). */
export function readKeySetDocument(text: string): KeySetDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeySetError('the signing key set is not JSON');
  }
  // Parsed once per value read (config/products.ts says why without zod's JIT).
  const parsed = keySetDocumentSchema.safeParse(json, { jitless: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    throw new KeySetError(`the signing key set is malformed at '${field}'`);
  }
  keySetOf(parsed.data);
  return parsed.data;
}

function keySetOf(document: KeySetDocument): KeySet {
  const seen = new Set<string>();
  const keys = document.keys.map((stored, index) => {
    if (seen.has(stored.kid)) throw new KeySetError(`kid '${stored.kid}' appears twice`);
    seen.add(stored.kid);
    return signingKeyOf(stored, index);
  });
  // Stable: of two keys with the same start, the one listed first (newer) comes first.
  const ordered = [...keys].sort((a, b) => b.signsFrom - a.signsFrom);
  return { keys: ordered, jwks: { keys: keys.map((key) => key.jwk) } };
}

function signingKeyOf(stored: StoredKey, index: number): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: stored.privateKey, format: 'pem' });
  } catch {
    throw new KeySetError(`keys.${index}.privateKey is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new KeySetError(`keys.${index}.privateKey is not an Ed25519 key`);
  }
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new KeySetError(`keys.${index}.privateKey has no public part`);
  return {
    kid: stored.kid,
    signsFrom: Date.parse(stored.signsFrom ?? stored.createdAt),
    privateKey,
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: stored.kid, use: 'sig', alg: 'EdDSA' },
  };
}

/**
 * The key that signs at `now`: the newest whose `signsFrom` has come. Should none have come yet
 * (a set whose only keys were made to start later), the first to start signs.
 */
export function signingKeyAt(set: KeySet, now: Date): SigningKey {
  const at = now.getTime();
  const key = set.keys.find((candidate) => candidate.signsFrom <= at) ?? set.keys.at(-1);
  if (!key) throw new KeySetError('the signing key set is empty');
  return key;
}

/** RFC 7638 thumbprint of an Ed25519 public key (`x` base64url): what a kid is derived from. */
export function thumbprintOf(x: string): string {
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

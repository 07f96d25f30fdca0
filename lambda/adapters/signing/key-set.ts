import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import type { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { DomainError } from '#domain/errors.ts';
import type { ServiceLogger } from '#services/service-deps.ts';

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
  const parsed = keySetDocumentSchema.safeParse(json);
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

/** What a client is told when no lease can be signed: nothing about the key set itself. */
const UNSIGNABLE = 'Licenses cannot be signed right now; try again later.';

type Parsed = { raw: string; set: KeySet } | { raw: string; problem: string };

/**
 * The lease signing key set, read through `ConfiguredSecrets` (SSM SecureString in AWS, cached
 * `SECRETS_CACHE_SECONDS`; a value locally) and parsed once per value: a warm request compares
 * nothing for `maxAgeMs`, then one string, and reuses the KeyObjects. A missing or malformed set is a 503 (`UPSTREAM_ERROR`)
 * whose message holds nothing of the set; the log says what is wrong, once per value.
 */
export class SigningKeys {
  private parsed: Parsed | undefined;

  /** When the raw set was last read (performance.now()), so warm requests skip the read. */
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly secrets: ConfiguredSecrets,
    private readonly logger: ServiceLogger,
    /** How long a read set is used before it is read again (the secrets' own cache age). */
    private readonly maxAgeMs: number,
  ) {}

  /** Whether this function has a key set at all (the webhook and the reaper have none). */
  get configured(): boolean {
    this.hasKeys ??= this.secrets.has('signingKey');
    return this.hasKeys;
  }

  /** Configuration does not change in a running function: asked once. */
  private hasKeys: boolean | undefined;

  /** The current key set; throws `UPSTREAM_ERROR` if it is missing or unusable. */
  async current(): Promise<KeySet> {
    if (!this.configured) {
      this.logger.error('signing key set unusable', { problem: 'none is configured' });
      throw new DomainError('UPSTREAM_ERROR', UNSIGNABLE, { retryable: true });
    }
    if (this.parsed && 'set' in this.parsed && performance.now() - this.readAt < this.maxAgeMs) {
      return this.parsed.set;
    }
    const raw = await this.secrets.get('signingKey');
    this.readAt = performance.now();
    if (this.parsed?.raw !== raw) {
      this.parsed = parse(raw);
      if ('problem' in this.parsed) {
        this.logger.error('signing key set unusable', { problem: this.parsed.problem });
      }
    }
    if ('set' in this.parsed) return this.parsed.set;
    throw new DomainError('UPSTREAM_ERROR', UNSIGNABLE, { retryable: true });
  }
}

function parse(raw: string): Parsed {
  try {
    return { raw, set: parseKeySet(raw) };
  } catch (error) {
    // KeySetError messages name fields and kids only; anything else is reported by its kind.
    const named = error instanceof Error && error.name === 'KeySetError';
    return { raw, problem: named ? (error as Error).message : 'unreadable' };
  }
}

import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { type KeySetDocument, type StoredKey, thumbprintOf } from './key-set.ts';

/**
 * How long a new key is published before it signs: CloudFront keeps `GET /v1/keys` at most an
 * hour (`PUBLIC_MAX_AGE_SECONDS`) and the functions re-read the parameter within
 * `SECRETS_CACHE_SECONDS` (5 minutes), so after two hours every copy of the key set a client can
 * fetch lists the new key before any lease signed with it exists.
 */
export const DEFAULT_PUBLISH_AHEAD_MS = 2 * 60 * 60 * 1000;

/** A fresh Ed25519 key, kid `<date>-<the first 12 hex digits of its RFC 7638 thumbprint>`. */
export function newSigningKey(now: Date, signsFrom: Date = now): StoredKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  return {
    kid: `${now.toISOString().slice(0, 10)}-${thumbprintHex(String(x)).slice(0, 12)}`,
    createdAt: now.toISOString(),
    signsFrom: signsFrom.toISOString(),
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/**
 * The key set with a new key in front. The first key of a new set signs at once; a key added to
 * an existing set signs `publishAheadMs` later (the current key signs until then). Nothing is
 * removed: `retireKeys` does that once no lease signed by an old key can still be relied on.
 */
export function rotateKeySet(
  current: KeySetDocument | undefined,
  now: Date,
  publishAheadMs: number = DEFAULT_PUBLISH_AHEAD_MS,
): KeySetDocument {
  const existing = current?.keys ?? [];
  const signsFrom = existing.length === 0 ? now : new Date(now.getTime() + publishAheadMs);
  return { keys: [newSigningKey(now, signsFrom), ...existing] };
}

/**
 * Drops the keys that stopped signing at least `retireAfterMs` ago. A key stops signing when the
 * next newer key starts; a client relies on a lease at most until its `grace_until`, so once the
 * longest grace has passed since then nothing still needs the old key. The key signing at `now`
 * and keys not yet signing are always kept.
 */
export function retireKeys(
  current: KeySetDocument,
  now: Date,
  retireAfterMs: number,
): { next: KeySetDocument; retired: string[] } {
  const startOf = (key: StoredKey) => Date.parse(key.signsFrom ?? key.createdAt);
  const byStart = [...current.keys].sort((a, b) => startOf(b) - startOf(a));
  const retired = new Set<string>();
  byStart.forEach((key, index) => {
    const successor = byStart[index - 1];
    if (!successor) return;
    const stoppedAt = startOf(successor);
    if (stoppedAt <= now.getTime() && now.getTime() - stoppedAt >= retireAfterMs) {
      retired.add(key.kid);
    }
  });
  return {
    next: { keys: current.keys.filter((key) => !retired.has(key.kid)) },
    retired: [...retired],
  };
}

function thumbprintHex(x: string): string {
  return Buffer.from(thumbprintOf(x), 'base64url').toString('hex');
}

/** The stored form: one JSON line (SSM keeps it as given). */
export function serializeKeySet(document: KeySetDocument): string {
  return JSON.stringify(document);
}

import { createPublicKey, verify } from 'node:crypto';

/** A JWKS entry as `GET /v1/keys` publishes it. */
export interface Jwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  use?: string;
  alg?: string;
}

export interface VerifiedLease {
  header: { alg: string; kid: string; typ: string };
  // biome-ignore lint/suspicious/noExplicitAny: tests read the claims freely and assert them.
  payload: any;
}

/**
 * Verifies a compact JWS lease as a client would with nothing but `node:crypto`
 * (docs/client-contract.md, "Verifying a lease"): the key by `kid` from the JWKS, EdDSA over
 * `header.payload`. Throws if anything fails.
 */
export function verifyLease(lease: string, jwks: { keys: Jwk[] }): VerifiedLease {
  const [header, payload, signature, ...rest] = lease.split('.');
  if (!header || !payload || !signature || rest.length > 0) throw new Error('not a compact JWS');
  const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  if (decoded.alg !== 'EdDSA') throw new Error(`unexpected alg ${decoded.alg}`);
  const jwk = jwks.keys.find((key) => key.kid === decoded.kid);
  if (!jwk) throw new Error(`unknown kid ${decoded.kid}`);
  const publicKey = createPublicKey({
    key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
    format: 'jwk',
  });
  const valid = verify(
    null,
    Buffer.from(`${header}.${payload}`, 'utf8'),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw new Error('bad signature');
  return {
    header: decoded,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
  };
}

/** Whether `verifyLease` accepts the lease. */
export function leaseVerifies(lease: string, jwks: { keys: Jwk[] }): boolean {
  try {
    verifyLease(lease, jwks);
    return true;
  } catch {
    return false;
  }
}

/** The lease with one byte of part `part` (0 header, 1 payload, 2 signature) changed. */
export function tamper(lease: string, part: 0 | 1 | 2, index: number): string {
  const parts = lease.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  const at = index % bytes.length;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

/** `GET /v1/keys` (or another method) on a running stack, status, headers and parsed body. */
export async function getKeys(stack: { url: string }, method = 'GET') {
  const response = await fetch(`${stack.url}/v1/keys`, { method });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
  };
}

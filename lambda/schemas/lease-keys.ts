import * as z from 'zod';

/**
 * `GET /v1/keys`: the public keys of the signed leases as a JWKS (RFC 7517, Ed25519 keys per
 * RFC 8037), every key still published, the signing one among them.
 */
export const leaseKeysResponseSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string(),
      kid: z.string(),
      use: z.literal('sig'),
      alg: z.literal('EdDSA'),
    }),
  ),
});

export type LeaseKeysResponse = z.infer<typeof leaseKeysResponseSchema>;

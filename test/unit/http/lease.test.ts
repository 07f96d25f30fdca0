import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { parseKeySet } from '#adapters/signing/key-set.ts';
import { SigningKeys } from '#adapters/signing/signing-keys.ts';
import { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { isDomainError } from '#domain/errors.ts';
import { LEASE_TYP, leaseClaims, signLease } from '#http/license-body.ts';
import type { UnsignedLicenseResponse } from '#schemas/license-response.ts';
import { leaseVerifies, verifyLease } from '#test/helpers/lease.ts';

const NOW = new Date('2026-03-10T12:00:00.000Z');

const BODY: UnsignedLicenseResponse = {
  instanceId: 'instance-1',
  instanceName: 'machine-1',
  licenseKey: 'DFCE1874-890F-4A01-9FE2-CCED0E540D6F',
  user_name: 'Jane Doe',
  user_email: 'jane@example.com',
  ai_mode: 'saas',
  ai_details: {
    token: 'sk-or-v1-secret',
    limit: 6,
    limit_remaining: 4.5,
    expires_at: '2026-03-31T00:00:00Z',
    limit_checked_at: '2026-03-01T00:00:00Z',
  },
  status: 'active',
  expires_at: null,
  trial_ends_at: null,
  license_expires_at: null,
  activation_limit: 3,
  activation_usage: 1,
  entitlements: ['ai', 'multi-account'],
  cache_until: '2026-03-11T12:00:00Z',
  grace_until: '2026-03-17T12:00:00Z',
};

describe('leaseClaims', () => {
  it('takes what the client relies on from the body, the key only as its SHA-256, no token', () => {
    // Act
    const claims = leaseClaims(BODY, 1_773_144_000, 'n-1');

    // Assess
    expect(claims).toEqual({
      license_key_sha256: createHash('sha256').update(BODY.licenseKey).digest('hex'),
      scope: 'device',
      instanceId: 'instance-1',
      instanceName: 'machine-1',
      status: 'active',
      ai_mode: 'saas',
      ai_details: { limit: 6, expires_at: '2026-03-31T00:00:00Z' },
      expires_at: null,
      trial_ends_at: null,
      entitlements: ['ai', 'multi-account'],
      cache_until: '2026-03-11T12:00:00Z',
      grace_until: '2026-03-17T12:00:00Z',
      iat: 1_773_144_000,
      nonce: 'n-1',
    });
    expect(JSON.stringify(claims)).not.toMatch(/DFCE1874|sk-or-v1|limit_remaining|user_email/);
  });

  it('names no device when the request named none: the lease speaks for the license', () => {
    // Act
    const claims = leaseClaims(BODY, 1, undefined, 'license');

    // Assess
    expect(claims.scope).toBe('license');
    expect(Object.keys(claims)).not.toContain('instanceId');
    expect(Object.keys(claims)).not.toContain('instanceName');
  });

  it('leaves out the nonce, the AI details and the code when the body has none', () => {
    // Act
    const { ai_details: _ai, ...byok } = BODY;
    const claims = leaseClaims({ ...byok, ai_mode: 'byok' }, 1);

    // Assess
    expect(Object.keys(claims)).not.toContain('nonce');
    expect(Object.keys(claims)).not.toContain('ai_details');
    expect(Object.keys(claims)).not.toContain('code');
  });
});

describe('signLease', () => {
  it('writes a compact EdDSA JWS that node:crypto verifies with the published key', () => {
    // Prepare
    const set = parseKeySet(serializeKeySet(rotateKeySet(undefined, NOW)));
    const [key] = set.keys;
    if (!key) throw new Error('no key');

    // Act
    const lease = signLease(key, leaseClaims(BODY, 1_773_144_000));

    // Assess
    const { header, payload } = verifyLease(lease, set.jwks);
    expect(header).toEqual({ alg: 'EdDSA', kid: key.kid, typ: LEASE_TYP });
    expect(payload).toEqual(leaseClaims(BODY, 1_773_144_000));
    const other = parseKeySet(serializeKeySet(rotateKeySet(undefined, NOW)));
    expect(leaseVerifies(lease, { keys: [{ ...other.jwks.keys[0], kid: key.kid } as never] })).toBe(
      false,
    );
  });
});

describe('SigningKeys', () => {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

  it('parses a value once and reuses its KeyObjects while the value stays the same', async () => {
    // Prepare
    const value = serializeKeySet(rotateKeySet(undefined, NOW));
    const keys = new SigningKeys(new ConfiguredSecrets(secretsWith(value), 0), silent, 0);

    // Act
    const first = await keys.current();
    const second = await keys.current();

    // Assess
    expect(second).toBe(first);
  });

  it.each([
    ['missing', undefined],
    ['malformed', '{"keys":"nope"}'],
  ])(
    'answers UPSTREAM_ERROR (503) for a %s key set, saying nothing of it',
    async (_label, value) => {
      // Prepare
      const logged: unknown[] = [];
      const logger = { ...silent, error: (...line: unknown[]) => logged.push(line) };
      const keys = new SigningKeys(new ConfiguredSecrets(secretsWith(value), 0), logger, 0);

      // Act
      const thrown = await keys.current().catch((error: unknown) => error);
      await keys.current().catch(() => undefined);

      // Assess
      expect(isDomainError(thrown) && thrown.code).toBe('UPSTREAM_ERROR');
      expect((thrown as Error).message).toBe(
        'Licenses cannot be signed right now; try again later.',
      );
      expect(logged.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(logged)).not.toContain('nope');
    },
  );
});

function secretsWith(value: string | undefined) {
  const unused = { value: 'unused' };
  return {
    lemonsqueezyApiKey: unused,
    openrouterManagementKey: unused,
    webhookSecret: unused,
    ...(value === undefined ? {} : { signingKey: { value } }),
  };
}

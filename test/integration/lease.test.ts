import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LEASE_TYP } from '#http/license-body.ts';
import { leaseKeysResponseSchema } from '#schemas/lease-keys.ts';
import { licenseResponseSchema } from '#schemas/license-response.ts';
import { getKeys, leaseVerifies, tamper, verifyLease } from '#test/helpers/lease.ts';
import { HOUR } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** What a lease must repeat of the body it came with. */
// biome-ignore lint/suspicious/noExplicitAny: a wire body, read field by field.
function expectLeaseMatches(body: any, payload: any, at: Date): void {
  expect(payload).toMatchObject({
    license_key_sha256: sha256(body.licenseKey),
    status: body.status,
    ai_mode: body.ai_mode,
    expires_at: body.expires_at,
    trial_ends_at: body.trial_ends_at,
    entitlements: body.entitlements,
    cache_until: body.cache_until,
    grace_until: body.grace_until,
    iat: Math.floor(at.getTime() / 1000),
  });
  if (body.ai_details) {
    expect(payload.ai_details).toEqual({
      limit: body.ai_details.limit,
      expires_at: body.ai_details.expires_at,
    });
  } else {
    expect(payload.ai_details).toBeUndefined();
  }
  expect(payload.code).toBe(body.code);
  // Proof, never a credential: neither the license key nor the AI token is in it.
  const json = JSON.stringify(payload);
  expect(json).not.toContain(body.licenseKey);
  if (body.ai_details) expect(json).not.toContain(body.ai_details.token);
  expect(Object.keys(payload)).not.toContain('licenseKey');
}

describe('signed leases', () => {
  const stack = useTestStack();

  it.each([
    ['a SaaS trial', 'trial'],
    ['a SaaS activation', 'activate-saas'],
    ['a BYOK activation', 'activate-byok'],
    ['a SaaS validation', 'validate-saas'],
    ['a BYOK validation', 'validate-byok'],
  ] as const)('signs %s with a lease that verifies against GET /v1/keys', async (_label, flow) => {
    // Prepare
    const keys = await getKeys(stack);
    const plan = flow.endsWith('byok') ? 'byok' : 'saas';

    // Act
    let response: Awaited<ReturnType<TestStack['post']>>;
    if (flow === 'trial') {
      response = await stack.post('/v1/trial', {
        instanceName: deviceId(),
        email: `${deviceId().slice(0, 12)}@example.com`,
      });
    } else if (flow.startsWith('activate')) {
      response = await stack.post('/v1/activate', {
        instanceName: deviceId(),
        licenseKey: (await activatedLicense(stack, plan)).license.key,
      });
    } else {
      const { license } = await activatedLicense(stack, plan);
      response = await stack.post('/v1/validate', { licenseKey: license.key });
    }

    // Assess
    expect(response.status).toBe(200);
    const body = licenseResponseSchema.parse(response.body);
    const { header, payload } = verifyLease(body.lease, keys.body);
    expect(header).toEqual({ alg: 'EdDSA', kid: keys.body.keys[0].kid, typ: LEASE_TYP });
    expectLeaseMatches(body, payload, stack.clock.now());
    expect(payload.nonce).toBeUndefined();
    // The shipped client's validate names no device: its lease speaks for the license only.
    if (flow.startsWith('validate')) {
      expect(payload.scope).toBe('license');
      expect(payload).not.toHaveProperty('instanceId');
      expect(payload).not.toHaveProperty('instanceName');
    } else {
      expect(payload).toMatchObject({
        scope: 'device',
        instanceId: body.instanceId,
        instanceName: body.instanceName,
      });
    }
    expect(payload.status).toBe(flow === 'trial' ? 'trial' : 'active');
  });

  it('names the device in the lease of a validate that names it', async () => {
    // Prepare
    const { license, device, activation } = await activatedLicense(stack, 'saas');
    const keys = await getKeys(stack);

    // Act
    const response = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceName: device,
    });

    // Assess
    const { payload } = verifyLease(response.body.lease, keys.body);
    expect(payload).toMatchObject({
      scope: 'device',
      instanceId: activation.instanceId,
      instanceName: device,
    });
  });

  it('signs what a suspended license answers: status, code, no entitlements, grace now', async () => {
    // Prepare
    const { license } = await activatedLicense(stack, 'saas');
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(25 * HOUR);
    const keys = await getKeys(stack);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.body).toMatchObject({ status: 'suspended', code: 'LICENSE_DISABLED' });
    const { payload } = verifyLease(response.body.lease, keys.body);
    expectLeaseMatches(response.body, payload, stack.clock.now());
    expect(payload).toMatchObject({ status: 'suspended', code: 'LICENSE_DISABLED' });
    expect(payload.entitlements).toEqual([]);
  });

  it.each([
    ['/v1/trial', 'trial-nonce-1'],
    ['/v1/activate', 'activate nonce with spaces ~!'],
    ['/v1/validate', 'x'.repeat(128)],
  ])('echoes the nonce sent to %s in the lease, exactly', async (path, nonce) => {
    // Prepare
    const keys = await getKeys(stack);
    const request =
      path === '/v1/trial'
        ? { instanceName: deviceId(), email: `${deviceId().slice(0, 12)}@example.com` }
        : path === '/v1/activate'
          ? { instanceName: deviceId(), licenseKey: (await activatedLicense(stack)).license.key }
          : { licenseKey: (await activatedLicense(stack)).license.key };

    // Act
    const response = await stack.post(path, { ...request, nonce });

    // Assess
    expect(response.status).toBe(200);
    expect(verifyLease(response.body.lease, keys.body).payload.nonce).toBe(nonce);
    // The nonce is the lease's alone: the body does not repeat it.
    expect(response.body.nonce).toBeUndefined();
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['empty', ''],
    ['with a control character', 'line\nbreak'],
    ['not ASCII', 'nonce-é'],
    ['not a string', 42],
  ])('answers a nonce %s with 400 naming the field', async (_label, nonce) => {
    // Prepare
    const { license } = await activatedLicense(stack);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key, nonce });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_REQUEST');
    expect(response.body.error).toContain("'nonce'");
  });

  it('fails verification when any byte of the header, payload or signature changes', async () => {
    // Prepare
    const keys = await getKeys(stack);
    const { license } = await activatedLicense(stack);
    const { lease } = (await stack.post('/v1/validate', { licenseKey: license.key, nonce: 'n-1' }))
      .body;
    expect(leaseVerifies(lease, keys.body)).toBe(true);
    const lengths = lease.split('.').map((part: string) => Buffer.from(part, 'base64url').length);

    // Act
    const accepted: string[] = [];
    for (const part of [0, 1, 2] as const) {
      for (let index = 0; index < lengths[part]; index += 1) {
        if (leaseVerifies(tamper(lease, part, index), keys.body)) accepted.push(`${part}:${index}`);
      }
    }

    // Assess
    expect(lengths.reduce((sum: number, length: number) => sum + length, 0)).toBeGreaterThan(300);
    expect(accepted).toEqual([]);
  });

  it('publishes the keys as a JWKS that CloudFront and clients may cache for an hour', async () => {
    // Act
    const keys = await getKeys(stack);
    const head = await getKeys(stack, 'HEAD');

    // Assess
    expect(keys.status).toBe(200);
    expect(keys.headers.get('content-type')).toBe('application/json');
    expect(keys.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(leaseKeysResponseSchema.strict().parse(keys.body)).toEqual(keys.body);
    expect(keys.body.keys).toHaveLength(1);
    expect(keys.body.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      use: 'sig',
      alg: 'EdDSA',
    });
    expect(Buffer.from(keys.body.keys[0].x, 'base64url')).toHaveLength(32);
    // Public parts only: no private JWK member, no PEM.
    expect(keys.text).not.toMatch(/"d"|PRIVATE/);
    expect([head.status, head.text]).toEqual([200, '']);
    expect(head.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it.each(['POST', 'PUT', 'DELETE'])(
    'answers %s /v1/keys with 405 allow GET, HEAD',
    async (method) => {
      // Act
      const response = await getKeys(stack, method);

      // Assess
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toMatchObject({
        code: 'METHOD_NOT_ALLOWED',
        error: 'Only GET is supported.',
      });
    },
  );
});

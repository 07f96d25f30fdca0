import { describe, expect, it } from 'vitest';
import type { AiKey, LicenseRecord } from '#domain/license.ts';
import type { LicenseGrant } from '#domain/outcome.ts';
import { licenseBody } from '#http/license-body.ts';
import { licenseResponseSchema } from '#schemas/license-response.ts';

const AI_KEY: AiKey = {
  hash: 'key-hash-1',
  token: 'sk-or-v1-token',
  limit: 6,
  limitRemaining: 4.5,
  limitCheckedAt: '2026-03-01T00:00:00.000Z',
  periodEnd: '2026-03-31T00:00:00.000Z',
  issuedAt: '2026-03-01T00:00:00.000Z',
};

const DEVICE = {
  instanceId: 'instance-1',
  instanceName: 'machine-1',
  activatedAt: '2026-03-01T00:00:00.000Z',
};

function license(overrides: Partial<LicenseRecord> = {}): LicenseRecord {
  return {
    licenseHash: 'hash-1',
    kind: 'lemonsqueezy',
    plan: {
      aiMode: 'saas',
      creditsUsd: 6,
      duration: 'monthly',
      productName: 'RAVN Mail',
      variantName: 'Monthly',
    },
    status: 'active',
    expiresAt: '2027-01-31T12:34:56.789Z',
    customerName: 'Ada Lovelace',
    customerEmail: 'ada@example.com',
    provider: {
      licenseId: 1,
      storeId: 1,
      orderId: 1,
      orderItemId: 1,
      productId: 1,
      variantId: 1,
      activationLimit: 3,
      activationUsage: 1,
      testMode: false,
    },
    statusCheckedAt: '2026-03-01T00:00:00.000Z',
    periodAnchor: '2026-03-01T00:00:00.000Z',
    devices: {},
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

function grant(
  overrides: Partial<LicenseGrant> = {},
  licenseOverrides: Partial<LicenseRecord> = {},
): LicenseGrant {
  return {
    license: license(licenseOverrides),
    device: DEVICE,
    licenseKey: 'key-1',
    aiKey: AI_KEY,
    entitlements: ['ai', 'smart-compose'],
    cacheUntil: '2026-03-02T00:00:00.000Z',
    graceUntil: '2026-03-08T00:00:00.000Z',
    ...overrides,
  };
}

describe('licenseBody', () => {
  it('spells every field as the shipped wire format does', () => {
    // Act
    const response = licenseBody(grant());

    // Assess
    expect(response).toStrictEqual({
      instanceId: 'instance-1',
      instanceName: 'machine-1',
      licenseKey: 'key-1',
      user_name: 'Ada Lovelace',
      user_email: 'ada@example.com',
      ai_mode: 'saas',
      ai_details: {
        token: 'sk-or-v1-token',
        limit: 6,
        limit_remaining: 4.5,
        expires_at: '2026-03-31T00:00:00Z',
        limit_checked_at: '2026-03-01T00:00:00Z',
      },
      status: 'active',
      expires_at: '2027-01-31T12:34:56Z',
      trial_ends_at: null,
      license_expires_at: '2027-01-31T12:34:56Z',
      activation_limit: 3,
      activation_usage: 1,
      entitlements: ['ai', 'smart-compose'],
      cache_until: '2026-03-02T00:00:00Z',
      grace_until: '2026-03-08T00:00:00Z',
    });
  });

  it('keeps the wire field order in the serialised JSON', () => {
    // Act
    const json = JSON.stringify(licenseBody(grant()));

    // Assess
    expect(Object.keys(JSON.parse(json))).toEqual([
      'instanceId',
      'instanceName',
      'licenseKey',
      'user_name',
      'user_email',
      'ai_mode',
      'ai_details',
      'status',
      'expires_at',
      'trial_ends_at',
      'license_expires_at',
      'activation_limit',
      'activation_usage',
      'entitlements',
      'cache_until',
      'grace_until',
    ]);
  });

  it('omits ai_details when the license has no AI key', () => {
    // Prepare
    const byok = grant({ aiKey: undefined }, { plan: { ...license().plan, aiMode: 'byok' } });

    // Act
    const response = licenseBody(byok);

    // Assess
    expect(response).not.toHaveProperty('ai_details');
    expect(JSON.stringify(response)).not.toContain('ai_details');
  });

  it('returns null for a license that never expires and has no seat limit', () => {
    // Prepare
    const unlimited = { ...license().provider, activationLimit: null } as LicenseRecord['provider'];
    const open = grant({}, { expiresAt: null, provider: unlimited });

    // Act
    const response = licenseBody(open);

    // Assess
    expect(response).toMatchObject({
      expires_at: null,
      trial_ends_at: null,
      license_expires_at: null,
      activation_limit: null,
    });
  });

  it('writes a trial as status trial with trial_ends_at', () => {
    // Prepare
    const trial = grant(
      {},
      { kind: 'trial', expiresAt: '2026-04-09T12:00:00.000Z', provider: undefined },
    );

    // Act
    const response = licenseBody(trial);

    // Assess
    expect(response).toMatchObject({
      status: 'trial',
      expires_at: '2026-04-09T12:00:00Z',
      trial_ends_at: '2026-04-09T12:00:00Z',
    });
  });

  it('names the reason of a suspended license in code and message, with no key', () => {
    // Prepare
    const suspended = grant(
      {
        aiKey: undefined,
        refusal: { code: 'LICENSE_DISABLED', detail: 'This license key has been disabled.' },
      },
      { status: 'disabled' },
    );

    // Act
    const response = licenseBody(suspended);

    // Assess
    expect(response).toMatchObject({
      status: 'suspended',
      code: 'LICENSE_DISABLED',
      message: 'This license key has been disabled.',
    });
    expect(response).not.toHaveProperty('ai_details');
  });

  it.each([
    ['2026-02-10T00:00:00.000Z', '2026-02-10T00:00:00Z'],
    ['2026-02-10T23:59:59.999Z', '2026-02-10T23:59:59Z'],
    ['2026-02-10T00:00:00Z', '2026-02-10T00:00:00Z'],
  ])('writes %s as %s', (iso, wire) => {
    // Act
    const response = licenseBody(
      grant({ aiKey: { ...AI_KEY, periodEnd: iso } }, { expiresAt: iso }),
    );

    // Assess
    expect(response.expires_at).toBe(wire);
    expect(response.license_expires_at).toBe(wire);
    expect(response.ai_details?.expires_at).toBe(wire);
  });

  it('returns a body its own schema accepts, but for the lease signed from it', () => {
    // Act
    const response = licenseBody(grant());

    // Assess
    const unsigned = licenseResponseSchema.omit({ lease: true }).strict();
    expect(unsigned.parse(response)).toEqual(response);
  });
});

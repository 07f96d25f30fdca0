import { describe, expect, it } from 'vitest';
import { licenseResponseSchema, toLicenseResponse } from '#schemas/license-response.ts';
import type { LicenseView } from '#services/outcome.ts';

const AI_KEY = {
  token: 'sk-or-v1-token',
  limit: 6,
  limitRemaining: 4.5,
  expiresAt: '2026-03-31T00:00:00.000Z',
};

function view(overrides: Partial<LicenseView> = {}): LicenseView {
  return {
    instanceId: 'instance-1',
    instanceName: 'machine-1',
    licenseKey: 'key-1',
    userName: 'Ada Lovelace',
    userEmail: 'ada@example.com',
    aiMode: 'saas',
    ai: AI_KEY,
    access: 'active',
    expiresAt: '2027-01-31T12:34:56.789Z',
    trialEndsAt: null,
    activationLimit: 3,
    activationUsage: 1,
    ...overrides,
  };
}

describe('toLicenseResponse', () => {
  it('spells every field as the shipped wire format does', () => {
    // Act
    const response = toLicenseResponse(view());

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
      },
      status: 'active',
      expires_at: '2027-01-31T12:34:56Z',
      trial_ends_at: null,
      license_expires_at: '2027-01-31T12:34:56Z',
      activation_limit: 3,
      activation_usage: 1,
    });
  });

  it('keeps the wire field order in the serialised JSON', () => {
    // Act
    const json = JSON.stringify(toLicenseResponse(view()));

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
    ]);
  });

  it('omits ai_details when the license has no AI key', () => {
    // Prepare
    const byok = view({ aiMode: 'byok', ai: undefined });

    // Act
    const response = toLicenseResponse(byok);

    // Assess
    expect(response).not.toHaveProperty('ai_details');
    expect(JSON.stringify(response)).not.toContain('ai_details');
  });

  it('returns null for a license that never expires and has no seat limit', () => {
    // Prepare
    const open = view({ expiresAt: null, activationLimit: null });

    // Act
    const response = toLicenseResponse(open);

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
    const trial = view({
      access: 'trial',
      expiresAt: '2026-04-09T12:00:00.000Z',
      trialEndsAt: '2026-04-09T12:00:00.000Z',
    });

    // Act
    const response = toLicenseResponse(trial);

    // Assess
    expect(response).toMatchObject({
      status: 'trial',
      expires_at: '2026-04-09T12:00:00Z',
      trial_ends_at: '2026-04-09T12:00:00Z',
    });
  });

  it('names the reason of a suspended license in code and message, with no key', () => {
    // Prepare
    const suspended = view({
      access: 'suspended',
      ai: undefined,
      reason: { code: 'LICENSE_DISABLED', detail: 'This license key has been disabled.' },
    });

    // Act
    const response = toLicenseResponse(suspended);

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
    const response = toLicenseResponse(view({ expiresAt: iso, ai: { ...AI_KEY, expiresAt: iso } }));

    // Assess
    expect(response.expires_at).toBe(wire);
    expect(response.license_expires_at).toBe(wire);
    expect(response.ai_details?.expires_at).toBe(wire);
  });

  it('returns a body its own schema accepts', () => {
    // Act
    const response = toLicenseResponse(view());

    // Assess
    expect(licenseResponseSchema.strict().parse(response)).toEqual(response);
  });
});

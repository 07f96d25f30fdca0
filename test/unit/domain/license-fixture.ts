import type { AiKey, LicensePlan, LicenseRecord } from '#domain/license.ts';
import type { Subscription } from '#domain/subscription.ts';

/** A monthly SaaS plan, the shape most licenses in the tests carry. */
export const SAAS_MONTHLY: LicensePlan = {
  aiMode: 'saas',
  creditsUsd: 6,
  duration: 'monthly',
  productName: 'ai_subscription',
  variantName: 'starter_monthly',
};

export const BYOK_LIFETIME: LicensePlan = {
  aiMode: 'byok',
  creditsUsd: 0,
  duration: 'lifetime',
  productName: 'byok_lifetime',
  variantName: 'lifetime',
};

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return { id: 1, status: 'active', renewsAt: null, endsAt: null, ...overrides };
}

/**
 * An active, never-expiring LemonSqueezy license on the monthly SaaS plan with no subscription
 * and no AI key; each test overrides only what it is about.
 */
export function licenseRecord(overrides: Partial<LicenseRecord> = {}): LicenseRecord {
  return {
    licenseHash: 'a'.repeat(64),
    kind: 'lemonsqueezy',
    plan: SAAS_MONTHLY,
    status: 'active',
    expiresAt: null,
    customerName: 'Ada Lovelace',
    customerEmail: 'ada@example.com',
    statusCheckedAt: '2026-01-01T00:00:00.000Z',
    periodAnchor: '2026-01-01T00:00:00.000Z',
    devices: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A trial ending 2026-01-31, stored as `active` as the service stores trials. */
export function trialRecord(overrides: Partial<LicenseRecord> = {}): LicenseRecord {
  return licenseRecord({
    kind: 'trial',
    expiresAt: '2026-01-31T00:00:00.000Z',
    customerName: null,
    ...overrides,
  });
}

/** A stored OpenRouter key whose period ends at `periodEnd`. */
export function aiKey(periodEnd: string): AiKey {
  return {
    hash: 'key-hash',
    token: 'sk-or-v1-token',
    limit: 6,
    limitRemaining: 6,
    limitCheckedAt: '2026-01-01T00:00:00.000Z',
    periodEnd,
    issuedAt: '2026-01-01T00:00:00.000Z',
  };
}

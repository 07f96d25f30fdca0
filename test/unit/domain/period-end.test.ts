import { describe, expect, it } from 'vitest';
import { isKeyDue } from '#domain/license-rules.ts';
import { currentPeriodEnd } from '#domain/period.ts';
import {
  aiKey,
  BYOK_LIFETIME,
  licenseRecord,
  subscription,
  trialRecord,
} from '#test/unit/domain/license-fixture.ts';

const at = (iso: string) => new Date(iso);

describe('currentPeriodEnd', () => {
  const now = at('2026-03-10T00:00:00.000Z');

  it('returns the end of the trial for a trial', () => {
    // Prepare
    const license = trialRecord({ expiresAt: '2026-03-20T00:00:00.000Z' });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-20T00:00:00.000Z');
  });

  it('returns renewsAt when the subscription renews in the future', () => {
    // Prepare
    const license = licenseRecord({
      periodAnchor: '2026-01-31T00:00:00.000Z',
      subscription: subscription({ renewsAt: '2026-04-02T00:00:00.000Z' }),
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-04-02T00:00:00.000Z');
  });

  it('returns endsAt when a cancelled subscription has no future renewal', () => {
    // Prepare
    const license = licenseRecord({
      subscription: subscription({
        status: 'cancelled',
        renewsAt: null,
        endsAt: '2026-03-15T00:00:00.000Z',
      }),
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('returns endsAt for a cancelled subscription even when renewsAt is later', () => {
    // Prepare
    const license = licenseRecord({
      subscription: subscription({
        status: 'cancelled',
        renewsAt: '2026-04-01T00:00:00.000Z',
        endsAt: '2026-03-15T00:00:00.000Z',
      }),
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('returns endsAt when the recorded renewal is already past', () => {
    // Prepare
    const license = licenseRecord({
      subscription: subscription({
        status: 'cancelled',
        renewsAt: '2026-03-01T00:00:00.000Z',
        endsAt: '2026-03-15T00:00:00.000Z',
      }),
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });

  it('starts no period when the renewal is not recorded yet (renewsAt past), never the anchor fallback', () => {
    // Prepare
    const license = licenseRecord({
      periodAnchor: '2026-01-31T00:00:00.000Z',
      subscription: subscription({ renewsAt: '2026-02-28T00:00:00.000Z' }),
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result).toBeNull();
  });

  it.each(['past_due', 'unpaid', 'paused'] as const)(
    'starts no period while the subscription is %s, even with a future renewsAt',
    (status) => {
      // Prepare
      const license = licenseRecord({
        subscription: subscription({ status, renewsAt: '2026-04-02T00:00:00.000Z' }),
      });

      // Act
      const result = currentPeriodEnd(license, now);

      // Assess
      expect(result).toBeNull();
    },
  );

  it('counts plan periods from the anchor for a one-off purchase', () => {
    // Prepare
    const license = licenseRecord({ periodAnchor: '2026-01-31T00:00:00.000Z' });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });

  it('is capped at the license expiry before the anchor-based boundary', () => {
    // Prepare
    const license = licenseRecord({
      periodAnchor: '2026-01-31T00:00:00.000Z',
      expiresAt: '2026-03-20T00:00:00.000Z',
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-20T00:00:00.000Z');
  });

  it('is capped at the license expiry before the subscription renewal', () => {
    // Prepare
    const license = licenseRecord({
      expiresAt: '2026-03-20T00:00:00.000Z',
      subscription: subscription({ renewsAt: '2026-04-02T00:00:00.000Z' }),
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-20T00:00:00.000Z');
  });

  it('keeps the period end when the license expires later', () => {
    // Prepare
    const license = licenseRecord({
      periodAnchor: '2026-01-31T00:00:00.000Z',
      expiresAt: '2027-01-01T00:00:00.000Z',
    });

    // Act
    const result = currentPeriodEnd(license, now);

    // Assess
    expect(result?.toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });
});

describe('isKeyDue', () => {
  const now = at('2026-03-10T00:00:00.000Z');

  it('returns false for a BYOK plan, which has no key', () => {
    // Prepare
    const license = licenseRecord({ plan: BYOK_LIFETIME });

    // Act
    const result = isKeyDue(license, now);

    // Assess
    expect(result).toBe(false);
  });

  it('returns true for a SaaS license without a key', () => {
    // Prepare
    const license = licenseRecord();

    // Act
    const result = isKeyDue(license, now);

    // Assess
    expect(result).toBe(true);
  });

  it.each([
    ['in the future', '2026-03-10T00:00:00.001Z', false],
    ['exactly now', '2026-03-10T00:00:00.000Z', true],
    ['in the past', '2026-03-09T23:59:59.999Z', true],
  ])('when the key period ends %s returns %s', (_case, periodEnd, expected) => {
    // Prepare
    const license = licenseRecord({ ai: aiKey(periodEnd) });

    // Act
    const result = isKeyDue(license, now);

    // Assess
    expect(result).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense, creditWithdrawn, isKeyDue, liveKey } from '#domain/license-rules.ts';
import { currentPeriod, periodCredit, periodPaymentRefunded } from '#domain/period.ts';
import {
  aiKey,
  licenseRecord,
  SAAS_MONTHLY,
  subscription,
} from '#test/unit/domain/license-fixture.ts';

const at = (iso: string) => new Date(iso);
const NOW = at('2026-03-10T00:00:00.000Z');
const TRIAL_END = '2026-03-20T00:00:00.000Z';
const PLAN = { ...SAAS_MONTHLY, trialCreditsUsd: 2 };

function onTrial(overrides: Partial<LicenseRecord> = {}): LicenseRecord {
  return licenseRecord({
    plan: PLAN,
    subscription: subscription({ status: 'on_trial', renewsAt: TRIAL_END, trialEndsAt: TRIAL_END }),
    ...overrides,
  });
}

describe('currentPeriod of a subscription with a free trial', () => {
  it.each([
    ['on_trial', subscription({ status: 'on_trial', renewsAt: TRIAL_END, trialEndsAt: TRIAL_END })],
    [
      'cancelled within the trial',
      subscription({ status: 'cancelled', endsAt: TRIAL_END, trialEndsAt: TRIAL_END }),
    ],
    [
      'active before the first payment moved renews_at',
      subscription({ status: 'active', renewsAt: TRIAL_END, trialEndsAt: TRIAL_END }),
    ],
  ])('%s: the trial period, ending at the trial end, with the trial credit', (_, sub) => {
    // Act
    const period = currentPeriod(licenseRecord({ plan: PLAN, subscription: sub }), NOW);

    // Assess
    expect(period).toEqual({ end: at(TRIAL_END), creditUsd: 2, trial: true });
  });

  it("active after the first payment: a paid period with the plan's credit", () => {
    // Prepare
    const license = licenseRecord({
      plan: PLAN,
      subscription: subscription({
        status: 'active',
        renewsAt: '2026-04-20T00:00:00.000Z',
        trialEndsAt: TRIAL_END,
      }),
    });

    // Act
    const period = currentPeriod(license, NOW);

    // Assess
    expect(period).toEqual({ end: at('2026-04-20T00:00:00.000Z'), creditUsd: 6, trial: false });
  });

  it('a plan stored before trial credits were configured gets no trial credit', () => {
    // Act
    const period = currentPeriod(onTrial({ plan: SAAS_MONTHLY }), NOW);

    // Assess
    expect(period?.creditUsd).toBe(0);
  });

  it("the trial key stops being live once a paid period opens before the trial's end", () => {
    // Prepare
    const license = onTrial({ ai: aiKey(TRIAL_END) });
    const paid = {
      ...license,
      subscription: subscription({
        status: 'active',
        renewsAt: '2026-04-10T00:00:00.000Z',
        trialEndsAt: TRIAL_END,
      }),
    };

    // Act / Assess
    expect([liveKey(license, NOW) !== undefined, isKeyDue(license, NOW)]).toEqual([true, false]);
    expect([liveKey(paid, NOW), isKeyDue(paid, NOW)]).toEqual([undefined, true]);
  });
});

describe('checkLicense of a paused subscription', () => {
  it.each([
    [{ mode: 'free' as const, resumesAt: null }, true],
    [{ mode: 'void' as const, resumesAt: null }, false],
    [null, false],
    [undefined, false],
  ])('pause %j: usable %s', (pause, usable) => {
    // Prepare
    const license = licenseRecord({
      subscription: subscription({ status: 'paused', ...(pause === undefined ? {} : { pause }) }),
    });

    // Act
    const verdict = checkLicense(license, NOW, 'validate');

    // Assess
    expect(verdict.ok).toBe(usable);
  });

  it('a free pause starts no new period (no credit without a payment)', () => {
    // Prepare
    const license = licenseRecord({
      subscription: subscription({
        status: 'paused',
        renewsAt: '2026-04-01T00:00:00.000Z',
        pause: { mode: 'free', resumesAt: null },
      }),
    });

    // Act / Assess
    expect(currentPeriod(license, NOW)).toBeNull();
  });
});

describe('periodPaymentRefunded', () => {
  const PERIOD_END = '2026-04-02T00:00:00.000Z';
  const paid = (billedAt: string) =>
    licenseRecord({
      subscription: subscription({ renewsAt: PERIOD_END }),
      refundedPayments: [{ invoiceId: '1', billedAt, refundedAt: '2026-03-05T00:00:00.000Z' }],
    });

  it.each([
    ['at the boundary that opened the period', '2026-03-02T00:00:00.000Z', true],
    ['hours before that boundary', '2026-03-01T20:00:00.000Z', true],
    ['within the period', '2026-03-15T00:00:00.000Z', true],
    ['a period earlier', '2026-02-02T00:00:00.000Z', false],
    ['at the boundary that ends the period (the next one)', PERIOD_END, false],
  ])('an invoice billed %s: %s', (_, billedAt, refunded) => {
    // Act / Assess
    expect(periodPaymentRefunded(paid(billedAt), PERIOD_END)).toBe(refunded);
  });

  it("withdraws the period's credit and the key's: nothing left, the key not live, withdrawn", () => {
    // Prepare
    const license = { ...paid('2026-03-02T00:00:00.000Z'), ai: aiKey(PERIOD_END) };
    const period = currentPeriod(license, NOW);

    // Act / Assess
    expect(period && periodCredit(license, period).left).toBe(0);
    expect(liveKey(license, NOW)).toBeUndefined();
    expect(creditWithdrawn(license, NOW)).toBe(true);
    // Not due for a replacement: a refunded period is not re-asked every 15 minutes.
    expect(isKeyDue(license, NOW)).toBe(false);
  });

  it('never withdraws a trial period (nothing was paid)', () => {
    // Prepare
    const license = onTrial({
      refundedPayments: [
        { invoiceId: '0', billedAt: '2026-03-01T00:00:00.000Z', refundedAt: NOW.toISOString() },
      ],
    });

    // Act / Assess
    expect(periodPaymentRefunded(license, TRIAL_END)).toBe(false);
  });
});

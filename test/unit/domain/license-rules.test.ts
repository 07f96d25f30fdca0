import { describe, expect, it } from 'vitest';
import type { LicenseRefusalCode } from '#domain/errors.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { type CheckPhase, checkLicense } from '#domain/license-rules.ts';
import { licenseRecord, subscription, trialRecord } from '#test/unit/domain/license-fixture.ts';

const NOW = new Date('2026-03-10T00:00:00.000Z');
const PAST = '2026-03-01T00:00:00.000Z';
const FUTURE = '2026-04-01T00:00:00.000Z';

type Row = [string, LicenseRecord, CheckPhase, LicenseRefusalCode];

describe('checkLicense', () => {
  it.each<Row>([
    ['a trial past its end', trialRecord({ expiresAt: PAST }), 'validate', 'TRIAL_EXPIRED'],
    [
      'a running trial an operator disabled',
      trialRecord({ expiresAt: FUTURE, status: 'disabled' }),
      'validate',
      'LICENSE_DISABLED',
    ],
    [
      'a trial ending exactly now',
      trialRecord({ expiresAt: NOW.toISOString() }),
      'activate',
      'TRIAL_EXPIRED',
    ],
    [
      'the license is disabled at LemonSqueezy',
      licenseRecord({ status: 'disabled' }),
      'activate',
      'LICENSE_DISABLED',
    ],
    [
      'LemonSqueezy says the license expired',
      licenseRecord({ status: 'expired' }),
      'activate',
      'LICENSE_EXPIRED',
    ],
    ['expires_at has passed', licenseRecord({ expiresAt: PAST }), 'validate', 'LICENSE_EXPIRED'],
    [
      'expires_at is exactly now',
      licenseRecord({ expiresAt: NOW.toISOString() }),
      'validate',
      'LICENSE_EXPIRED',
    ],
    [
      'the subscription expired',
      licenseRecord({ subscription: subscription({ status: 'expired' }) }),
      'validate',
      'LICENSE_EXPIRED',
    ],
    [
      'a cancelled subscription ran out of grace',
      licenseRecord({ subscription: subscription({ status: 'cancelled', endsAt: PAST }) }),
      'validate',
      'LICENSE_EXPIRED',
    ],
    [
      'the subscription is paused',
      licenseRecord({ subscription: subscription({ status: 'paused' }) }),
      'activate',
      'LICENSE_INACTIVE',
    ],
    [
      'the subscription is unpaid',
      licenseRecord({ subscription: subscription({ status: 'unpaid' }) }),
      'activate',
      'LICENSE_INACTIVE',
    ],
    [
      'LemonSqueezy holds no activation on validate',
      licenseRecord({ status: 'inactive' }),
      'validate',
      'LICENSE_INACTIVE',
    ],
  ])('returns the refusal code when %s', (_case, license, phase, code) => {
    // Act
    const verdict = checkLicense(license, NOW, phase);

    // Assess
    expect(verdict).toEqual({ ok: false, code, detail: expect.any(String) });
  });

  it.each<Row>([
    [
      'TRIAL_EXPIRED over LICENSE_DISABLED',
      trialRecord({ expiresAt: PAST, status: 'disabled' }),
      'validate',
      'TRIAL_EXPIRED',
    ],
    [
      'LICENSE_DISABLED over LICENSE_EXPIRED by status',
      licenseRecord({ status: 'disabled', expiresAt: PAST }),
      'validate',
      'LICENSE_DISABLED',
    ],
    [
      'LICENSE_DISABLED over an expired subscription',
      licenseRecord({ status: 'disabled', subscription: subscription({ status: 'expired' }) }),
      'validate',
      'LICENSE_DISABLED',
    ],
    [
      'LICENSE_DISABLED over a paused subscription',
      licenseRecord({ status: 'disabled', subscription: subscription({ status: 'paused' }) }),
      'validate',
      'LICENSE_DISABLED',
    ],
    [
      'LICENSE_EXPIRED (license) over a paused subscription',
      licenseRecord({ expiresAt: PAST, subscription: subscription({ status: 'paused' }) }),
      'validate',
      'LICENSE_EXPIRED',
    ],
    [
      'LICENSE_EXPIRED (subscription) over no activation',
      licenseRecord({ status: 'inactive', subscription: subscription({ status: 'expired' }) }),
      'validate',
      'LICENSE_EXPIRED',
    ],
    [
      'LICENSE_INACTIVE (paused) over no activation',
      licenseRecord({ status: 'inactive', subscription: subscription({ status: 'paused' }) }),
      'validate',
      'LICENSE_INACTIVE',
    ],
  ])('ranks %s', (_case, license, phase, code) => {
    // Act
    const verdict = checkLicense(license, NOW, phase);

    // Assess
    expect(verdict).toMatchObject({ ok: false, code });
  });

  it('names the subscription status in the detail of a paused subscription', () => {
    // Prepare
    const license = licenseRecord({ subscription: subscription({ status: 'paused' }) });

    // Act
    const verdict = checkLicense(license, NOW, 'validate');

    // Assess
    expect(verdict).toEqual({
      ok: false,
      code: 'LICENSE_INACTIVE',
      detail: 'The subscription of this license is paused.',
    });
  });

  it.each<[string, LicenseRecord, CheckPhase]>([
    ['a running trial', trialRecord({ expiresAt: FUTURE }), 'validate'],
    ['an active license without expiry', licenseRecord(), 'validate'],
    ['an active license expiring later', licenseRecord({ expiresAt: FUTURE }), 'validate'],
    ['an inactive license being activated', licenseRecord({ status: 'inactive' }), 'activate'],
    ...(['on_trial', 'active', 'past_due'] as const).map(
      (status): [string, LicenseRecord, CheckPhase] => [
        `a ${status} subscription`,
        licenseRecord({ subscription: subscription({ status }) }),
        'validate',
      ],
    ),
    [
      'a cancelled subscription still in its grace',
      licenseRecord({ subscription: subscription({ status: 'cancelled', endsAt: FUTURE }) }),
      'validate',
    ],
    [
      'a cancelled subscription without an end date',
      licenseRecord({ subscription: subscription({ status: 'cancelled', endsAt: null }) }),
      'validate',
    ],
  ])('returns ok for %s', (_case, license, phase) => {
    // Act
    const verdict = checkLicense(license, NOW, phase);

    // Assess
    expect(verdict).toEqual({ ok: true });
  });
});

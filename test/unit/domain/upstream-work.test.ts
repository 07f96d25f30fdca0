import { describe, expect, it } from 'vitest';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense, refreshDecision } from '#domain/license-rules.ts';
import { upstreamWork } from '#domain/upstream-work.ts';
import {
  aiKey,
  BYOK_LIFETIME,
  licenseRecord,
  subscription,
} from '#test/unit/domain/license-fixture.ts';

const NOW = new Date('2026-03-10T00:00:00.000Z');
const DAY = 86_400_000;
const STATUS_TTL = DAY;
const USAGE_TTL = 60_000;
const fresh = NOW.toISOString();
const renewing = '2026-03-20T00:00:00.000Z';

/** A key of the current period whose usage was read at `checkedAt`. */
const liveKey = (checkedAt = fresh) => ({ ...aiKey(renewing), limitCheckedAt: checkedAt });

/** A usable SaaS license checked just now, sold with a subscription renewing on the 20th. */
const saas = (overrides: Partial<LicenseRecord> = {}) =>
  licenseRecord({
    statusCheckedAt: fresh,
    subscription: subscription({ renewsAt: renewing }),
    ai: liveKey(),
    ...overrides,
  });

function workOf(license: LicenseRecord) {
  const verdict = checkLicense(license, NOW, 'validate');
  const refresh = refreshDecision(license, NOW, verdict, STATUS_TTL);
  return upstreamWork(license, NOW, verdict, refresh, USAGE_TTL);
}

describe('upstreamWork', () => {
  it.each<[string, LicenseRecord, ReturnType<typeof upstreamWork>]>([
    ['a steady SaaS license (fresh status, live key, fresh usage)', saas(), 'none'],
    [
      'a BYOK license with a fresh status',
      licenseRecord({ plan: BYOK_LIFETIME, statusCheckedAt: fresh }),
      'none',
    ],
    [
      'a license whose period may not start (renewal not recorded: I5)',
      saas({
        ai: undefined,
        subscription: subscription({ status: 'past_due', renewsAt: renewing }),
      }),
      'none',
    ],
    [
      'a disabled license whose key is already disabled',
      saas({ status: 'disabled', ai: { ...liveKey(), disabledAt: fresh } }),
      'none',
    ],
    [
      'only the usage figure is stale',
      saas({ ai: liveKey(new Date(NOW.getTime() - USAGE_TTL).toISOString()) }),
      'optional',
    ],
    [
      'a status older than its TTL',
      saas({ statusCheckedAt: new Date(NOW.getTime() - STATUS_TTL).toISOString() }),
      'required',
    ],
    ['a usable SaaS license without a key', saas({ ai: undefined }), 'required'],
    [
      'a key disabled while access was away, access back',
      saas({ ai: { ...liveKey(), disabledAt: fresh } }),
      'required',
    ],
    ['a disabled license whose key is still live', saas({ status: 'disabled' }), 'required'],
  ])('%s → %s', (_label, license, expected) => {
    // Act
    const work = workOf(license);

    // Assess
    expect(work).toBe(expected);
  });
});

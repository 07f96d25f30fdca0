import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import {
  aDayLater,
  callsThisMinute,
  cycle,
  DEPLOYED_LIMITS,
  hostileLicense,
  licenseToRefresh,
  nextMinute,
} from '#test/helpers/license-share.ts';
import { HOUR } from '#test/helpers/manual-clock.ts';
import { deviceId, seedLicense, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';

/**
 * A license whose own share of LemonSqueezy's budget is spent (3 calls this minute) is not asked
 * about again by anyone this minute: once this instance saw an upstream fail, a validate due for
 * a refresh serves the stored status within its grace (as when LemonSqueezy is busy), and the
 * reconciler passes it over and goes on. In health a validate's refresh is bounded by the status
 * timestamps it renews, so it is not counted against the share (no write).
 */

/** A failed refresh of `licenseKey` a minute ago: this instance is in upstream trouble. */
async function troubleBefore(stack: TestStack, licenseKey: string) {
  stack.lemonSqueezy.faults.inject('validate', { kind: 'status', status: 500 }, { times: 1 });
  await stack.post('/v1/validate', { licenseKey });
  stack.lemonSqueezy.faults.clear();
  nextMinute(stack);
}

/** A license with `devices` devices activated (one a minute: a seat costs two calls). */
async function licenseWithDevices(stack: TestStack, devices: number) {
  const { key: licenseKey } = seedLicense(stack, 'byok', { activationLimit: devices });
  const instanceNames: string[] = [];
  for (let index = 0; index < devices; index += 1) {
    nextMinute(stack);
    const instanceName = deviceId();
    const activated = await stack.post('/v1/activate', { licenseKey, instanceName });
    expect(activated.status, activated.text).toBe(200);
    instanceNames.push(instanceName);
  }
  return { licenseKey, instanceNames };
}

/** Three deactivations: the license's share for this minute, spent without reading its status. */
async function spendShare(stack: TestStack, licenseKey: string, instanceNames: string[]) {
  for (const instanceName of instanceNames) {
    const freed = await stack.post('/v1/deactivate', { licenseKey, instanceName });
    expect(freed.status, freed.text).toBe(200);
  }
  expect(callsThisMinute(stack, licenseKey)).toBe(3);
}

describe('a validate of a license past its own share of LemonSqueezy calls', () => {
  const stack = useTestStack(DEPLOYED_LIMITS);

  it('serves the stored status within its grace, without asking LemonSqueezy', async () => {
    // Prepare: four devices; a day later the status is due, and three of them are freed.
    const { licenseKey, instanceNames } = await licenseWithDevices(stack, 4);
    aDayLater(stack);
    await troubleBefore(stack, licenseKey);
    await spendShare(stack, licenseKey, instanceNames.slice(1));

    // Act
    const validated = await stack.post('/v1/validate', { licenseKey });

    // Assess
    expect([validated.status, validated.body.status]).toEqual([200, 'active']);
    expect(callsThisMinute(stack, licenseKey)).toBe(3);
  });

  it('answers 429 with Retry-After once the stored status is past its grace', async () => {
    // Prepare
    const { licenseKey, instanceNames } = await licenseWithDevices(stack, 4);
    stack.clock.advance(73 * HOUR);
    await troubleBefore(stack, licenseKey);
    await spendShare(stack, licenseKey, instanceNames.slice(1));

    // Act
    const validated = await stack.post('/v1/validate', { licenseKey });

    // Assess
    expect([validated.status, validated.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(validated.headers?.['ratelimit-policy']).toBe('"lemonsqueezy-license";q=3;w=60');
    expect(validated.headers?.['retry-after']).toBe('60');
    expect(callsThisMinute(stack, licenseKey)).toBe(3);
  });
});

describe('a validate of a license past its own share, in health', () => {
  const stack = useTestStack(DEPLOYED_LIMITS);

  it('still refreshes a due status: the timestamps bound it, and nothing is counted', async () => {
    // Prepare
    const { licenseKey, instanceNames } = await licenseWithDevices(stack, 4);
    aDayLater(stack);
    nextMinute(stack);
    await spendShare(stack, licenseKey, instanceNames.slice(1));

    // Act
    const validated = await stack.post('/v1/validate', { licenseKey });
    const again = await stack.post('/v1/validate', { licenseKey });

    // Assess: one refresh reached LemonSqueezy; the next validate is served from the table.
    expect([validated.status, validated.body.status]).toEqual([200, 'active']);
    expect(again.status).toBe(200);
    expect(callsThisMinute(stack, licenseKey)).toBe(4);
  });
});

describe('the reconciler meeting a license past its own share', () => {
  const stack = useTestStack(DEPLOYED_LIMITS);

  it('skips that license and confirms the others in the same run', async () => {
    // Prepare: one license spends its share this minute; another is due.
    nextMinute(stack);
    const busy = await hostileLicense(stack);
    const other = await licenseToRefresh(stack);
    aDayLater(stack);
    await cycle(stack, busy, 1);
    await stack.deps.store.saveSweepCursor(
      RECONCILE_SWEEP,
      undefined,
      stack.clock.now().toISOString(),
    );

    // Act
    const summary = await reconcileLicenses(stack.deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      staleAfterMs: 0,
      spacingMs: 0,
    });

    // Assess
    expect(summary).toMatchObject({ skipped: 1, confirmed: 1 });
    expect(summary.stoppedBy).toBeUndefined();
    expect(callsThisMinute(stack, busy.licenseKey)).toBe(3);
    expect(callsThisMinute(stack, other.licenseKey)).toBe(1);
  });
});

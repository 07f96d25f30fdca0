import { describe, expect, it } from 'vitest';
import {
  aDayLater,
  callsThisMinute,
  cycle,
  DEPLOYED_LIMITS,
  hostileLicense,
  licenseToRefresh,
  nextMinute,
} from '#test/helpers/license-share.ts';
import { deviceId, seedLicense, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';

/**
 * Issue 23, "Exposure": one license could lock the whole store out of LemonSqueezy by cycling
 * activate and deactivate of a device it knows (three License API calls a cycle). Each license
 * now has its own share of the budget (`RATE_LIMIT_LICENSE_UPSTREAM`, 3 a minute), first contacts
 * and known licenses have disjoint shares of the store-wide budget (15 and 35 of 50), and
 * deactivations count against the per-license activation limit.
 */
describe('the per-license share of the LemonSqueezy budget (limits as deployed)', () => {
  const stack = useTestStack(DEPLOYED_LIMITS);

  /** A new customer's first activation, and a validate whose status refresh is due. */
  async function customersMeanwhile(stack: TestStack, due: { licenseKey: string }) {
    const { key: licenseKey } = seedLicense(stack, 'byok');
    const started = performance.now();
    const newCustomer = await stack.post('/v1/activate', { licenseKey, instanceName: deviceId() });
    const latencyMs = performance.now() - started;
    const refreshed = await stack.post('/v1/validate', { licenseKey: due.licenseKey });
    return { newCustomer, latencyMs, refreshed };
  }

  it('gives a license cycling a known device at most its share of calls a minute, then 429 with Retry-After', async () => {
    // Prepare
    nextMinute(stack);
    const hostile = await hostileLicense(stack);
    aDayLater(stack);

    // Act
    const answers = await cycle(stack, hostile, 10);

    // Assess: one cycle's three calls, then the license's own limits answer.
    expect(callsThisMinute(stack, hostile.licenseKey)).toBe(3);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((answer) => answer.status === 429)).toBe(true);
    const [first] = refused;
    expect(first?.body.code).toBe('RATE_LIMITED');
    expect(first?.headers?.['retry-after']).toBe('60');
    expect(first?.headers?.['ratelimit-policy']).toBe('"lemonsqueezy-license";q=3;w=60');
    expect(Date.parse(first?.body.retry_at)).toBe(stack.clock.now().getTime() + 60_000);
  });

  it.each([2, 10])(
    'leaves a new customer’s first activation and a due refresh working while %i hostile licenses cycle in the same minute',
    async (count) => {
      // Prepare: the hostile licenses, and a license whose status will be due.
      const hostiles = [];
      for (let index = 0; index < count; index += 1) {
        if (index % 4 === 0) nextMinute(stack);
        hostiles.push(await hostileLicense(stack));
      }
      const due = await licenseToRefresh(stack);
      aDayLater(stack);

      // Act: the licenses cycle ten times each, at once; then the customers come.
      await Promise.all(hostiles.map((hostile) => cycle(stack, hostile, 10)));
      const { newCustomer, refreshed } = await customersMeanwhile(stack, due);

      // Assess: the customers were served (the refresh reached LemonSqueezy), each hostile
      // license having made its share of calls at most.
      expect(newCustomer.status, newCustomer.text).toBe(200);
      expect([refreshed.status, refreshed.body.status]).toEqual([200, 'active']);
      expect(callsThisMinute(stack, due.licenseKey)).toBe(1);
      for (const hostile of hostiles) {
        expect(callsThisMinute(stack, hostile.licenseKey)).toBeLessThanOrEqual(3);
      }
    },
  );

  it('measures a new customer’s activation while two hostile licenses cycle alongside', async () => {
    // Prepare
    nextMinute(stack);
    const hostiles = [await hostileLicense(stack), await hostileLicense(stack)];
    const due = await licenseToRefresh(stack);
    aDayLater(stack);

    // Act: the customers arrive while the hostile cycles are under way.
    const attack = Promise.all(hostiles.map((hostile) => cycle(stack, hostile, 10)));
    const meanwhile = await customersMeanwhile(stack, due);
    await attack;

    // Assess
    expect(meanwhile.newCustomer.status, meanwhile.newCustomer.text).toBe(200);
    expect(meanwhile.refreshed.status).toBe(200);
    console.log(
      `new customer's first activation beside 2 hostile licenses: ${Math.round(meanwhile.latencyMs)} ms`,
    );
  });
});

describe('deactivations count against the per-license activation limit (10 a minute)', () => {
  const stack = useTestStack(DEPLOYED_LIMITS);

  it('answers the 11th device change of a minute with 429, deactivation or activation', async () => {
    // Prepare: a license whose known device is deactivated (no LemonSqueezy call to repeat it).
    const hostile = await hostileLicense(stack);
    nextMinute(stack);

    // Act
    const deactivations = [];
    for (let request = 0; request < 11; request += 1) {
      deactivations.push(await stack.post('/v1/deactivate', hostile));
    }
    const activation = await stack.post('/v1/activate', hostile);

    // Assess
    expect(deactivations.slice(0, 10).map((answer) => answer.status)).toEqual(Array(10).fill(200));
    const [eleventh] = deactivations.slice(10);
    expect([eleventh?.status, eleventh?.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(eleventh?.headers?.['ratelimit-policy']).toBe('"activate";q=10;w=60');
    expect(Number(eleventh?.headers?.['retry-after'])).toBeGreaterThan(0);
    expect([activation.status, activation.headers?.['ratelimit-policy']]).toEqual([
      429,
      '"activate";q=10;w=60',
    ]);
    expect(callsThisMinute(stack, hostile.licenseKey)).toBe(0);
  });
});

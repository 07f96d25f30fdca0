import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import { seededRandom } from '#local/seeded-random.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { deviceId, orphanKeys, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver, eventFor } from '#test/helpers/webhook-events.ts';

const PARALLEL = 50;
const ROUNDS = 4;
const SEED = 0x5eed;

/**
 * Each "exactly one" of the service, fired PARALLEL times at once, ROUNDS times. Every round
 * slows a random number of upstream answers by a random few milliseconds (seeded), so the
 * requests interleave differently from round to round.
 */
describe.each(Array.from({ length: ROUNDS }, (_, round) => round))('races, round %i', (round) => {
  const stack = useTestStack();
  const next = seededRandom(SEED + round);

  function shuffleTiming(): void {
    const slow = (times: number) => ({
      kind: 'slow' as const,
      delayMs: Math.floor(next() * 30) + 1,
      times,
    });
    const lemon = slow(Math.floor(next() * 10));
    const open = slow(Math.floor(next() * 10));
    if (lemon.times > 0)
      stack.lemonSqueezy.faults.inject(
        'activate',
        { kind: 'slow', delayMs: lemon.delayMs },
        { times: lemon.times },
      );
    if (open.times > 0)
      stack.openRouter.faults.inject(
        'create',
        { kind: 'slow', delayMs: open.delayMs },
        { times: open.times },
      );
  }

  function parallel<T>(send: (index: number) => Promise<T>): Promise<T[]> {
    return Promise.all(Array.from({ length: PARALLEL }, (_, index) => send(index)));
  }

  it('gives one trial per email', async () => {
    // Prepare
    shuffleTiming();
    const email = `race-${round}@example.com`;

    // Act
    const responses = await parallel(() =>
      stack.post('/v1/trial', { instanceName: deviceId(), email }),
    );

    // Assess
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    expect(
      responses.filter((response) => response.body.code === 'TRIAL_ALREADY_USED'),
    ).toHaveLength(PARALLEL - 1);
    expect(
      (await stack.items()).filter((item) => item.kind === 'trial' && item.email === email),
    ).toHaveLength(1);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('gives one trial per device', async () => {
    // Prepare
    shuffleTiming();
    const device = deviceId();

    // Act
    const responses = await parallel((index) =>
      stack.post('/v1/trial', { instanceName: device, email: `d${round}-${index}@example.com` }),
    );

    // Assess
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('uses one LemonSqueezy activation per device', async () => {
    // Prepare
    shuffleTiming();
    const license = seedLicense(stack, 'saas', { activationLimit: 2 });
    const device = deviceId();

    // Act
    const responses = await parallel(() =>
      stack.post('/v1/activate', { instanceName: device, licenseKey: license.key }),
    );

    // Assess
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(responses.map((response) => response.body.instanceId)).size).toBe(1);
    expect(stack.lemonSqueezy.instances(license.key)).toHaveLength(1);
    const stored = (await stack.items()).find(
      (item) => item.sk === 'LICENSE' && item.licenseHash === licenseHashOf(license.key),
    );
    expect(
      Object.values(stored?.devices ?? {}).map(
        (slot) => (slot as { instanceName: string }).instanceName,
      ),
    ).toEqual([device]);
    expect(
      stack.openRouter.liveKeys().filter((key) => key.key === responses[0]?.body.ai_details.token),
    ).toHaveLength(1);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('rotates a key once per period', async () => {
    // Prepare
    const renewsAt = new Date(stack.clock.now().getTime() + DAY).toISOString();
    const license = seedLicense(stack, 'saas', { subscription: { status: 'active', renewsAt } });
    const first = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
      renewsAt: new Date(stack.clock.now().getTime() + 31 * DAY).toISOString(),
    });
    stack.clock.advance(DAY + HOUR);
    shuffleTiming();

    // Act
    const responses = await parallel(() => stack.post('/v1/validate', { licenseKey: license.key }));

    // Assess
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const tokens = new Set(responses.map((response) => response.body.ai_details.token));
    expect(tokens.size).toBe(1);
    expect(tokens.has(first.body.ai_details.token)).toBe(false);
    const live = stack.openRouter
      .liveKeys()
      .filter((key) => key.key === first.body.ai_details.token || tokens.has(key.key));
    expect(live).toHaveLength(1);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('applies one webhook event once', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas', {
      subscription: {
        status: 'active',
        renewsAt: new Date(stack.clock.now().getTime() + 10 * DAY).toISOString(),
      },
    });
    const activation = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    const event = eventFor(stack, 'subscription_paused', license);
    const disables = stack.openRouter.callCount('update');

    // Act
    const responses = await parallel(() => deliver(stack, event));

    // Assess
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(responses.filter((response) => response.body?.outcome === 'applied')).toHaveLength(1);
    expect(stack.openRouter.callCount('update')).toBe(disables + 1);
    expect(
      stack.openRouter.keys().find((key) => key.key === activation.body.ai_details.token)?.disabled,
    ).toBe(true);
  });
});

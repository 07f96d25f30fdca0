import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import type { MeterCounts } from '#local/dynamodb-meter.ts';
import { rateItems } from '#test/helpers/client-address.ts';
import { HOUR, MINUTE } from '#test/helpers/manual-clock.ts';
import { activatedLicense, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';

/** The service's DynamoDB writes while `act` runs (the stack must be metered). */
async function writesDuring(stack: TestStack, act: () => Promise<unknown>): Promise<MeterCounts> {
  const meter = stack.meter;
  if (!meter) throw new Error('this stack is not metered');
  const before = meter.counts();
  await act();
  const after = meter.counts();
  return {
    ...after,
    writes: after.writes - before.writes,
    reads: after.reads - before.reads,
  };
}

async function licenseItem(stack: TestStack, licenseKey: string) {
  const pk = `LICENSE#${licenseHashOf(licenseKey)}`;
  const item = (await stack.items()).find((entry) => entry.pk === pk && entry.sk === 'LICENSE');
  if (!item) throw new Error('license item not found');
  return item as {
    statusCheckedAt: string;
    ai: { limitCheckedAt: string; limitRemaining: number };
    devices: Record<string, { lastSeenAt?: string }>;
  };
}

describe('usage freshness: a day of validates every 10 minutes', () => {
  const stack = useTestStack({}, { meter: true });

  it('reads usage once, asks LemonSqueezy once, and writes the license once: the status, heartbeat and usage share the write', async () => {
    // Prepare
    const { license, device, token } = await activatedLicense(stack, 'saas');
    const hash = stack.openRouter.keys().find((key) => key.key === token)?.hash ?? '';
    stack.openRouter.spend(hash, 2);
    const gets = stack.openRouter.callCount('get');
    const lemonCalls = stack.lemonSqueezy.callCount('validate');

    // Act: 25 hours of validates, one every 10 minutes.
    const answers: Array<{ status: number; remaining: number }> = [];
    const counted = await writesDuring(stack, async () => {
      for (let tick = 0; tick < 150; tick += 1) {
        stack.clock.advance(10 * MINUTE);
        const answer = await stack.post('/v1/validate', {
          licenseKey: license.key,
          instanceName: device,
        });
        answers.push({ status: answer.status, remaining: answer.body.ai_details.limit_remaining });
      }
    });

    // Assess
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(stack.openRouter.callCount('get') - gets).toBe(1);
    expect(stack.lemonSqueezy.callCount('validate') - lemonCalls).toBe(1);
    // The license's one write: a healthy refresh is bounded by its timestamps, so not counted.
    expect(counted.writes).toBe(1);
    // The figure changes once, at the read a day after the activation.
    expect(new Set(answers.map((answer) => answer.remaining))).toEqual(new Set([6, 4]));
    const item = await licenseItem(stack, license.key);
    const [slot] = Object.values(item.devices);
    expect(item.ai.limitCheckedAt).toBe(item.statusCheckedAt);
    expect(slot?.lastSeenAt).toBe(item.statusCheckedAt);
    const counters = (await rateItems(stack)).map((entry) => entry.pk);
    expect(counters).not.toContainEqual(expect.stringMatching(/^RATE#validate-upstream/));
  });
});

describe('usage freshness: OpenRouter failing a usage read', () => {
  const stack = useTestStack({ USAGE_TTL_SECONDS: '3600' }, { meter: true });

  it('answers 200 with the cached figure and its limit_checked_at, writes nothing, and reads again only after 10 minutes', async () => {
    // Prepare: only the usage figure is due (an hour's TTL here); OpenRouter fails once.
    const { license, device, activation, token } = await activatedLicense(stack, 'saas');
    const hash = stack.openRouter.keys().find((key) => key.key === token)?.hash ?? '';
    stack.openRouter.spend(hash, 1.5);
    stack.clock.advance(HOUR);
    stack.openRouter.faults.inject('get', { kind: 'status', status: 500 });
    const validate = () =>
      stack.post('/v1/validate', { licenseKey: license.key, instanceName: device });
    const gets = stack.openRouter.callCount('get');

    // Act
    let failedRead: Awaited<ReturnType<typeof validate>> | undefined;
    const whileFailing = await writesDuring(stack, async () => {
      failedRead = await validate();
    });
    stack.clock.advance(5 * MINUTE);
    const inTrouble = await validate();
    const getsInTrouble = stack.openRouter.callCount('get') - gets;
    stack.clock.advance(6 * MINUTE);
    const recovered = await validate();

    // Assess
    expect(failedRead?.status).toBe(200);
    expect(failedRead?.body.ai_details).toMatchObject({
      limit_remaining: 6,
      limit_checked_at: activation.ai_details.limit_checked_at,
    });
    expect(whileFailing.writes).toBe(0);
    expect([inTrouble.status, inTrouble.body.ai_details.limit_remaining]).toEqual([200, 6]);
    expect(getsInTrouble).toBe(1);
    expect(recovered.body.ai_details.limit_remaining).toBe(4.5);
    expect(stack.openRouter.callCount('get') - gets).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { MeterCounts } from '#local/dynamodb-meter.ts';
import { loadWebhookFixture, signWebhook } from '#local/webhook-sender.ts';
import { post, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver } from '#test/helpers/webhook-events.ts';

/** Every DynamoDB request the meter saw, reads and writes, by operation. */
const requests = (counts: MeterCounts) =>
  Object.values(counts.calls).reduce((total, count) => total + count, 0);

describe('POST /v1/webhook under a flood of unsigned posts', () => {
  const stack = useTestStack({}, { meter: true });
  const raw = JSON.stringify(loadWebhookFixture('order_refunded'));
  const big = JSON.stringify({ ...loadWebhookFixture('order_refunded'), pad: 'x'.repeat(900_000) });

  /** A post nobody signed with our secret, in each shape a flood may take. */
  const unsigned: Array<[string, string, Record<string, string>, number]> = [
    ['no signature', raw, {}, 401],
    ['a forged signature', raw, { 'x-signature': signWebhook(raw, 'guessed') }, 401],
    ['a signature that is no digest', raw, { 'x-signature': 'not-hex' }, 401],
    ['an empty body', '', {}, 401],
    ['a body of 900 KB', big, { 'x-signature': signWebhook(big, 'guessed') }, 413],
    [
      'a body of 900 KB sent as binary (base64 to the handler)',
      big,
      { 'content-type': 'application/octet-stream' },
      413,
    ],
  ];

  it('refuses 300 of them (401/413) without a single DynamoDB request', async () => {
    // Prepare
    const meter = stack.meter;
    if (!meter) throw new Error('the stack is not metered');
    const flood = Array.from(
      { length: 300 },
      (_, index) => unsigned[index % unsigned.length] as (typeof unsigned)[number],
    );
    const before = requests(meter.counts());

    // Act
    const answers = await Promise.all(
      flood.map(([, body, headers]) =>
        post(stack.url, '/v1/webhook', body, { 'content-type': 'application/json', ...headers }),
      ),
    );

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(flood.map(([, , , status]) => status));
    expect(requests(meter.counts()) - before).toBe(0);
  });

  it('still applies a signed delivery sent in the middle of the flood', async () => {
    // Prepare: the meter does see the service's requests: a signed delivery claims its event.
    const meter = stack.meter;
    if (!meter) throw new Error('the stack is not metered');
    const before = requests(meter.counts());

    // Act
    const [delivered, ...refused] = await Promise.all([
      deliver(stack, loadWebhookFixture('order_refunded')),
      ...Array.from({ length: 50 }, () =>
        post(stack.url, '/v1/webhook', raw, { 'content-type': 'application/json' }),
      ),
    ]);

    // Assess
    expect(delivered?.status).toBe(200);
    expect(delivered?.body?.outcome).toBe('applied');
    expect(refused.every((answer) => answer.status === 401)).toBe(true);
    expect(requests(meter.counts()) - before).toBeGreaterThan(0);
  });
});

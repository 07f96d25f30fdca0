import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { postFrom } from '#test/helpers/client-address.ts';
import { DEPLOYED_LIMITS } from '#test/helpers/license-share.ts';
import { deviceId, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';

/** A key shaped like LemonSqueezy's that it never sold, or one shaped like our trial keys. */
const randomKey = (index: number) =>
  index % 2 === 0 ? randomUUID().toUpperCase() : `trial-${randomUUID()}`;

/** Successful DynamoDB writes so far (a write refused by its condition changes nothing). */
function writesDone(stack: TestStack): number {
  const counts = stack.meter?.counts();
  if (!counts) throw new Error('this stack is not metered');
  return counts.writes - counts.failedWrites;
}

function licenseApiCalls(stack: TestStack): number {
  return (['validate', 'activate', 'deactivate'] as const)
    .map((route) => stack.lemonSqueezy.callCount(route))
    .reduce((sum, count) => sum + count, 0);
}

describe('no write past a refusal: activations of keys we do not hold, past the IP limit', () => {
  const stack = useTestStack(DEPLOYED_LIMITS, { meter: true });

  it('screens the address before anything is counted for the key: refused requests add no item and write nothing', async () => {
    // Prepare: one address spends its limit on unknown keys (20 per 10 minutes).
    const from = '127.0.0.61';
    let index = 0;
    let answer = await postFrom(stack, from, '/v1/activate', {
      licenseKey: randomKey(index),
      instanceName: deviceId(),
    });
    while (answer.status !== 429 && index < 25) {
      index += 1;
      answer = await postFrom(stack, from, '/v1/activate', {
        licenseKey: randomKey(index),
        instanceName: deviceId(),
      });
    }
    expect(answer.headers?.['ratelimit-policy']).toBe('"unknown-key";q=20;w=600');
    const items = (await stack.items()).length;
    const writes = writesDone(stack);
    const calls = licenseApiCalls(stack);

    // Act: more keys nobody sold, and trial keys nobody was given, from the same address.
    const refused = [];
    for (let more = 0; more < 10; more += 1) {
      refused.push(
        await postFrom(stack, from, '/v1/activate', {
          licenseKey: randomKey(more),
          instanceName: deviceId(),
        }),
      );
    }

    // Assess: every one refused by the address's limit, and nothing written for any of them
    // (a counter per guessed key was an item per request before).
    expect(refused.map((response) => response.headers?.['ratelimit-policy'])).toEqual(
      Array(10).fill('"unknown-key";q=20;w=600'),
    );
    expect((await stack.items()).length).toBe(items);
    expect(writesDone(stack)).toBe(writes);
    expect(licenseApiCalls(stack)).toBe(calls);
  });
});

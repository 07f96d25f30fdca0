import { describe, expect, it } from 'vitest';
import { postFrom } from '#test/helpers/client-address.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  SERVICE_RATE_LIMITS,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

function windowEnd(stack: TestStack, windowMs: number): Date {
  return new Date((Math.floor(stack.clock.now().getTime() / windowMs) + 1) * windowMs);
}

/** The table in a stable order, to compare before and after. */
async function table(stack: TestStack) {
  const items = await stack.items();
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('rate limit: validates that reach an upstream, per license (default 60 an hour)', () => {
  const stack = useTestStack(SERVICE_RATE_LIMITS);

  it('writes nothing for validates served from the table, however many', async () => {
    // Prepare
    const { license } = await activatedLicense(stack, 'saas');
    const before = await table(stack);

    // Act
    const answers = await Promise.all(
      Array.from({ length: 80 }, () =>
        postFrom(stack, '127.0.0.41', '/v1/validate', { licenseKey: license.key }),
      ),
    );

    // Assess: all served, and the table is exactly as it was (no counter, no touched item).
    expect(answers.map((answer) => answer.status)).toEqual(Array(80).fill(200));
    expect(await table(stack)).toEqual(before);
  });

  it('once LemonSqueezy has failed, counts each status refresh and refuses the 61st counted in an hour with 429 and no LemonSqueezy call', async () => {
    // Prepare: a stored status past its TTL, and LemonSqueezy down: each validate asks it again
    // (and is served the stored status, within its grace). The first failure puts this instance
    // in upstream trouble; only from then on are the validates counted (a healthy one is not).
    const { license } = await activatedLicense(stack, 'saas');
    stack.clock.set(new Date(windowEnd(stack, HOUR).getTime() + DAY));
    stack.lemonSqueezy.faults.inject(
      'validate',
      { kind: 'status', status: 500 },
      { times: Infinity },
    );
    const validate = () => stack.post('/v1/validate', { licenseKey: license.key });
    const statuses: number[] = [];
    for (let index = 0; index < 61; index += 1) statuses.push((await validate()).status);
    const calls = stack.lemonSqueezy.callCount('validate');
    const resetAt = windowEnd(stack, HOUR);
    const seconds = Math.ceil((resetAt.getTime() - stack.clock.now().getTime()) / 1000);

    // Act
    const refused = await validate();
    const callsWhileRefused = stack.lemonSqueezy.callCount('validate') - calls;
    stack.clock.set(resetAt);
    const nextWindow = await validate();
    stack.lemonSqueezy.faults.clear();

    // Assess
    expect(statuses).toEqual(Array(61).fill(200));
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(refused.body.error).toBe('This license key was validated too often in a short time.');
    expect(refused.headers).toMatchObject({
      'retry-after': String(seconds),
      'ratelimit-policy': '"validate-upstream";q=60;w=3600',
      ratelimit: `"validate-upstream";r=0;t=${seconds}`,
    });
    expect(callsWhileRefused).toBe(0);
    expect(nextWindow.status).toBe(200);
    expect(stack.lemonSqueezy.callCount('validate')).toBeGreaterThan(calls);
  });
});

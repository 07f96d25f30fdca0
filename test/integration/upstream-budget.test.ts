import { describe, expect, it } from 'vitest';
import { pendingClaims } from '#test/helpers/integrity-checks.ts';
import { HOUR, MINUTE } from '#test/helpers/manual-clock.ts';
import { deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';

/** License API calls the LemonSqueezy double has answered so far. */
function licenseApiCalls(stack: ReturnType<typeof useTestStack>): number {
  return ['validate', 'activate', 'deactivate']
    .map((route) => stack.lemonSqueezy.callCount(route as 'validate'))
    .reduce((sum, count) => sum + count, 0);
}

describe('the store-wide LemonSqueezy budget', () => {
  // Rate limits off: this file is about the budget alone (they stop a single IP, and a single
  // license, sooner: license-upstream-share.test.ts). The defaults: 50 a minute, 15 of them kept
  // for first contacts, 35 for known licenses.
  const stack = useTestStack({
    LEMONSQUEEZY_BUDGET_PER_MINUTE: '',
    LEMONSQUEEZY_FIRST_CONTACT_PER_MINUTE: '',
    RATE_LIMITS: 'off',
  });
  /** Moves to the start of the next minute, so a test has the whole budget. */
  const nextMinute = () =>
    stack.clock.set(new Date((Math.floor(stack.clock.now().getTime() / MINUTE) + 1) * MINUTE));

  it('lets 200 activations of random keys make at most the first-contact share of calls', async () => {
    // Prepare
    nextMinute();
    const before = licenseApiCalls(stack);

    // Act: in parallel batches of 20.
    const answers = [];
    for (let batch = 0; batch < 10; batch += 1) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, () =>
            stack.post('/v1/activate', { licenseKey: deviceId(), instanceName: deviceId() }),
          ),
        )),
      );
    }

    // Assess
    const calls = licenseApiCalls(stack) - before;
    const busy = answers.filter((answer) => answer.body.code === 'UPSTREAM_BUSY');
    expect(calls).toBe(15);
    expect(answers.filter((answer) => answer.status === 404)).toHaveLength(15);
    expect(busy).toHaveLength(185);
    const [first] = busy;
    expect(first?.status).toBe(503);
    // The clock stands at the start of the minute: the budget is back in 60 s.
    expect(first?.headers?.['retry-after']).toBe('60');
    expect(Date.parse(first?.body.retry_at)).toBeGreaterThan(stack.clock.now().getTime());
  });

  it('keeps its own share for licenses we know once first contacts spent theirs, then refuses them too', async () => {
    // Prepare: a known license; then first contacts use up their share.
    nextMinute();
    const license = seedLicense(stack, 'byok', { activationLimit: 100 });
    const first = await stack.post('/v1/activate', {
      licenseKey: license.key,
      instanceName: deviceId(),
    });
    await Promise.all(
      Array.from({ length: 40 }, () =>
        stack.post('/v1/activate', { licenseKey: deviceId(), instanceName: deviceId() }),
      ),
    );
    const before = licenseApiCalls(stack);

    // Act: new devices of the known license, one after another, until the budget says no.
    const answers = [];
    for (let device = 0; device < 25; device += 1) {
      answers.push(
        await stack.post('/v1/activate', { licenseKey: license.key, instanceName: deviceId() }),
      );
    }

    // Assess: the first contacts stopped at their 15 calls (the first activation's validate
    // among them); known work went on to its own 35 (the first activation's seat among them).
    expect(first.status).toBe(200);
    expect(licenseApiCalls(stack)).toBe(before + 34);
    const served = answers.filter((answer) => answer.status === 200).length;
    expect(served).toBeGreaterThan(0);
    expect(answers.slice(served).every((answer) => answer.body.code === 'UPSTREAM_BUSY')).toBe(
      true,
    );
    expect(answers.at(-1)?.status).toBe(503);
    // A device refused between LemonSqueezy's validate and its activate left no claim behind.
    expect(await pendingClaims(stack)).toEqual([]);
  });

  it('keeps their own share for first contacts once known licenses spent theirs', async () => {
    // Prepare: a known license spends the known share on new devices, one after another.
    nextMinute();
    const license = seedLicense(stack, 'byok', { activationLimit: 100 });
    const answers = [];
    for (let device = 0; device < 25; device += 1) {
      answers.push(
        await stack.post('/v1/activate', { licenseKey: license.key, instanceName: deviceId() }),
      );
    }
    const before = licenseApiCalls(stack);

    // Act: first contacts with keys nobody sold, in the same minute.
    const firstContacts = await Promise.all(
      Array.from({ length: 5 }, () =>
        stack.post('/v1/activate', { licenseKey: deviceId(), instanceName: deviceId() }),
      ),
    );

    // Assess: LemonSqueezy still answered every first contact (404: it does not know the key),
    // as the budget's shares are disjoint; known work was refused at its own share.
    expect(firstContacts.map((answer) => answer.status)).toEqual(Array(5).fill(404));
    expect(licenseApiCalls(stack) - before).toBe(5);
    expect(answers.at(-1)?.body.code).toBe('UPSTREAM_BUSY');
  });

  it('serves a due status refresh from the table while the budget is spent', async () => {
    // Prepare: an activated license whose status is due, and a spent minute.
    nextMinute();
    const license = seedLicense(stack, 'byok');
    const instanceName = deviceId();
    const activated = await stack.post('/v1/activate', { licenseKey: license.key, instanceName });
    stack.clock.advance(25 * HOUR);
    nextMinute();
    await Promise.all(
      Array.from({ length: 60 }, () =>
        stack.post('/v1/activate', { licenseKey: deviceId(), instanceName: deviceId() }),
      ),
    );
    // Known work spends its own share: now nothing is left at all.
    const spare = seedLicense(stack, 'byok', { activationLimit: 100 });
    for (let device = 0; device < 25; device += 1) {
      await stack.post('/v1/activate', { licenseKey: spare.key, instanceName: deviceId() });
    }
    const before = licenseApiCalls(stack);

    // Act
    const validated = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceId: activated.body.instanceId,
    });
    nextMinute();
    const later = await stack.post('/v1/validate', {
      licenseKey: license.key,
      instanceId: activated.body.instanceId,
    });

    // Assess: the stored status while busy (no call), a real refresh in the next minute.
    expect([validated.status, validated.body.status]).toEqual([200, 'active']);
    expect(licenseApiCalls(stack) - before).toBe(1);
    expect([later.status, later.body.status]).toEqual([200, 'active']);
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spellingHash } from '#domain/license-key.ts';
import { postFrom } from '#test/helpers/client-address.ts';
import { MINUTE, SECOND } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  SERVICE_RATE_LIMITS,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

/** A key shaped like LemonSqueezy's that it has never sold. */
const randomKey = () => randomUUID().toUpperCase();

function windowEnd(stack: TestStack, windowMs: number): Date {
  return new Date((Math.floor(stack.clock.now().getTime() / windowMs) + 1) * windowMs);
}

describe('rate limit: requests naming keys we do not hold, per client IP (default 20 per 10 minutes)', () => {
  const stack = useTestStack(SERVICE_RATE_LIMITS);

  /** One request naming an unknown key on each endpoint that takes a key, in turn. */
  function unknownKeyRequest(from: string, index: number) {
    const licenseKey = randomKey();
    switch (index % 4) {
      case 0:
        return postFrom(stack, from, '/v1/activate', { instanceName: deviceId(), licenseKey });
      case 1:
        return postFrom(stack, from, '/v1/validate', { licenseKey });
      case 2:
        return postFrom(stack, from, '/v1/deactivate', { licenseKey, instanceName: deviceId() });
      default:
        return postFrom(stack, from, '/v1/devices', { licenseKey });
    }
  }

  async function exhaust(from: string) {
    const codes: string[] = [];
    for (let index = 0; index < 20; index += 1) {
      codes.push((await unknownKeyRequest(from, index)).body.code);
    }
    expect(codes).toEqual(Array(20).fill('LICENSE_NOT_FOUND'));
  }

  it('counts activate, validate, deactivate and devices together: the 21st is 429 on any of them', async () => {
    // Prepare
    const from = '127.0.0.21';
    const validatesBefore = stack.lemonSqueezy.callCount('validate');
    await exhaust(from);
    const asked = stack.lemonSqueezy.callCount('validate') - validatesBefore;
    const resetAt = windowEnd(stack, 10 * MINUTE);
    const seconds = Math.ceil((resetAt.getTime() - stack.clock.now().getTime()) / 1000);

    // Act
    const refused = await Promise.all([0, 1, 2, 3].map((index) => unknownKeyRequest(from, index)));

    // Assess: only the five activations asked LemonSqueezy, and only before the limit.
    expect(asked).toBe(5);
    expect(stack.lemonSqueezy.callCount('validate') - validatesBefore).toBe(5);
    for (const answer of refused) {
      expect([answer.status, answer.body.code]).toEqual([429, 'RATE_LIMITED']);
      expect(answer.headers).toMatchObject({
        'retry-after': String(seconds),
        'ratelimit-policy': '"unknown-key";q=20;w=600',
        ratelimit: `"unknown-key";r=0;t=${seconds}`,
      });
    }
  });

  it('refuses a first activation from an address over the limit before asking LemonSqueezy; another address activates it', async () => {
    // Prepare
    const from = '127.0.0.22';
    await exhaust(from);
    const license = seedLicense(stack, 'byok');
    const validatesBefore = stack.lemonSqueezy.callCount('validate');

    // Act
    const refused = await postFrom(stack, from, '/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    const elsewhere = await postFrom(stack, '127.0.0.23', '/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(elsewhere.status).toBe(200);
    expect(stack.lemonSqueezy.callCount('validate') - validatesBefore).toBe(1);
  });

  it('never counts requests naming keys we hold', async () => {
    // Prepare
    const { license } = await activatedLicense(stack, 'byok');

    // Act
    const answers = await Promise.all(
      Array.from({ length: 25 }, () =>
        postFrom(stack, '127.0.0.24', '/v1/validate', { licenseKey: license.key }),
      ),
    );

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(25).fill(200));
  });

  it('lifts when the 10-minute window ends, not a second before', async () => {
    // Prepare
    const from = '127.0.0.25';
    await exhaust(from);
    const resetAt = windowEnd(stack, 10 * MINUTE);
    stack.clock.set(new Date(resetAt.getTime() - SECOND));

    // Act
    const lastSecond = await unknownKeyRequest(from, 1);
    stack.clock.set(resetAt);
    const nextWindow = await unknownKeyRequest(from, 1);

    // Assess
    expect([lastSecond.status, lastSecond.headers?.['retry-after']]).toEqual([429, '1']);
    expect([nextWindow.status, nextWindow.body.code]).toEqual([404, 'LICENSE_NOT_FOUND']);
  });
});

describe('rate limit: POST /v1/activate per license (default 10 a minute)', () => {
  const stack = useTestStack(SERVICE_RATE_LIMITS);

  it('answers the eleventh activation of a license within its minute 429, with no LemonSqueezy call; the next minute it activates again', async () => {
    // Prepare: the first activation counts too.
    const { license, device } = await activatedLicense(stack, 'byok');
    const again = () =>
      stack.post('/v1/activate', { instanceName: device, licenseKey: license.key });
    const repeats: number[] = [];
    for (let index = 0; index < 9; index += 1) repeats.push((await again()).status);
    const validatesBefore = stack.lemonSqueezy.callCount('validate');
    const resetAt = windowEnd(stack, MINUTE);
    const seconds = Math.ceil((resetAt.getTime() - stack.clock.now().getTime()) / 1000);

    // Act
    const refused = await again();
    const validatesAfter = stack.lemonSqueezy.callCount('validate');
    const otherLicense = await activatedLicense(stack, 'byok');
    stack.clock.set(resetAt);
    const nextMinute = await again();

    // Assess
    expect(repeats).toEqual(Array(9).fill(200));
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(refused.body.error).toBe('This license key was activated too often in a short time.');
    expect(refused.headers).toMatchObject({
      'retry-after': String(seconds),
      'ratelimit-policy': '"activate";q=10;w=60',
      ratelimit: `"activate";r=0;t=${seconds}`,
    });
    expect(validatesAfter).toBe(validatesBefore);
    expect(otherLicense.activation.instanceId).toEqual(expect.any(String));
    expect(nextMinute.status).toBe(200);
  });

  it('lets exactly 10 of 30 parallel activations of one license through', async () => {
    // Prepare
    const license = seedLicense(stack, 'byok', { activationLimit: null });

    // Act
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key }),
      ),
    );

    // Assess: those ten then meet the license's share of LemonSqueezy calls (3 a minute), which
    // refuses most of them in turn, under its own policy.
    const policies = answers.map((answer) => answer.headers?.['ratelimit-policy']);
    expect(policies.filter((policy) => policy === '"activate";q=10;w=60')).toHaveLength(20);
    expect(policies.filter((policy) => policy !== '"activate";q=10;w=60')).toHaveLength(10);
  });
});

describe('negative cache: keys LemonSqueezy does not know, or that are not ours', () => {
  const stack = useTestStack(SERVICE_RATE_LIMITS);

  const activate = (licenseKey: string, from = '127.0.0.31') =>
    postFrom(stack, from, '/v1/activate', { instanceName: deviceId(), licenseKey });

  it('answers a repeated unknown key from the table: no LemonSqueezy call, the same refusal', async () => {
    // Prepare
    const key = randomKey();
    const first = await activate(key);
    const calls = stack.lemonSqueezy.callCount('validate');

    // Act
    const repeats = [await activate(key), await activate(key), await activate(key)];

    // Assess
    expect(stack.lemonSqueezy.callCount('validate')).toBe(calls);
    for (const repeat of repeats) {
      expect(repeat.status).toBe(404);
      expect({ ...repeat.body, requestId: 'x' }).toEqual({ ...first.body, requestId: 'x' });
    }
    // Kept under the hash of the spelling sent only (a case-sensitive LemonSqueezy refusing
    // `KEY` says nothing of `key`), with the refusal and a 10-minute TTL.
    const item = (await stack.items()).find(
      (entry) => entry.pk === `NEGATIVE#${spellingHash(key)}`,
    );
    expect(item).toMatchObject({
      code: 'LICENSE_NOT_FOUND',
      ttl: Math.floor(stack.clock.now().getTime() / 1000) + 600,
    });
    expect(JSON.stringify(await stack.items())).not.toContain(key);
  });

  it('forgets the key after its 10 minutes: a key sold since then activates', async () => {
    // Prepare
    const key = randomKey();
    await activate(key);
    seedLicense(stack, 'byok', { key });
    const calls = stack.lemonSqueezy.callCount('validate');

    // Act
    stack.clock.advance(10 * MINUTE - SECOND);
    const stillRemembered = await activate(key);
    stack.clock.advance(SECOND);
    const afterwards = await activate(key);

    // Assess
    expect([stillRemembered.status, stillRemembered.body.code]).toEqual([404, 'LICENSE_NOT_FOUND']);
    expect(afterwards.status).toBe(200);
    expect(stack.lemonSqueezy.callCount('validate') - calls).toBe(1);
  });

  it('remembers a key of another store (PRODUCT_NOT_ALLOWED) the same way', async () => {
    // Prepare
    const license = seedLicense(stack, 'byok', { storeId: 1 });
    const first = await activate(license.key);
    const calls = stack.lemonSqueezy.callCount('validate');

    // Act
    const repeat = await activate(license.key);

    // Assess
    expect([first.status, first.body.code]).toEqual([400, 'PRODUCT_NOT_ALLOWED']);
    expect([repeat.status, repeat.body.error]).toEqual([400, first.body.error]);
    expect(stack.lemonSqueezy.callCount('validate')).toBe(calls);
  });

  it('costs 0 LemonSqueezy calls for repeats of one random key from other addresses', async () => {
    // Prepare
    const key = randomKey();
    await activate(key, '127.0.0.32');
    const calls = stack.lemonSqueezy.callCount('validate');

    // Act: nine, so that with the first they stay within the key's own activation limit.
    const repeats = await Promise.all(
      Array.from({ length: 9 }, (_, index) => activate(key, `127.0.1.${index + 1}`)),
    );

    // Assess
    expect(repeats.map((repeat) => repeat.body.code)).toEqual(Array(9).fill('LICENSE_NOT_FOUND'));
    expect(stack.lemonSqueezy.callCount('validate')).toBe(calls);
  });
});

describe('negative cache off (NEGATIVE_CACHE_SECONDS=0)', () => {
  const stack = useTestStack({ NEGATIVE_CACHE_SECONDS: '0' });

  it('asks LemonSqueezy each time', async () => {
    // Prepare
    const key = randomKey();
    const calls = stack.lemonSqueezy.callCount('validate');

    // Act
    for (let index = 0; index < 3; index += 1) {
      await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey: key });
    }

    // Assess
    expect(stack.lemonSqueezy.callCount('validate') - calls).toBe(3);
    expect((await stack.items()).some((item) => String(item.pk).startsWith('NEGATIVE#'))).toBe(
      false,
    );
  });
});

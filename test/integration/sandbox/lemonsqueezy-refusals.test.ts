import { describe, expect, it } from 'vitest';
import { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import { licenseCallsTo } from '#test/helpers/license-api-calls.ts';
import { MINUTE } from '#test/helpers/manual-clock.ts';
import { useDoubleOnClock } from '#test/helpers/sandbox-doubles.ts';

const START = '2026-03-10T12:00:00.000Z';
const seed = { storeId: 1, productId: 2, variantId: 3, activationLimit: 1 };

describe('LemonSqueezy double: refusal controls', () => {
  const { double, clock } = useDoubleOnClock(START, (now) =>
    LemonSqueezyDouble.start({ apiKey: 'test-api-key', now }),
  );
  const call = licenseCallsTo(double);

  it('answers 404 license_key not found for the next calls of one key, then the truth', async () => {
    // Prepare
    const held = double.addLicense(seed);
    const other = double.addLicense(seed);
    double.refusals.answerNotFound({ key: held.key, calls: 2 });

    // Act
    const first = await call('validate', { license_key: held.key });
    const otherKey = await call('validate', { license_key: other.key });
    const second = await call('validate', { license_key: held.key });
    const third = await call('validate', { license_key: held.key });

    // Assess
    expect(first).toEqual({
      status: 404,
      body: { valid: false, error: 'license_key not found.' },
    });
    expect(otherKey.status).toBe(200);
    expect(second.status).toBe(404);
    expect(third.status).toBe(200);
  });

  it('answers 404 for every key until the window ends, on the chosen calls only', async () => {
    // Prepare
    const held = double.addLicense(seed);
    const until = new Date(clock.now().getTime() + 3 * MINUTE).toISOString();
    double.refusals.answerNotFound({ until, actions: ['validate', 'activate'] });

    // Act
    const activate = await call('activate', { license_key: held.key, instance_name: 'a' });
    clock.advance(2 * MINUTE);
    const within = await call('validate', { license_key: held.key });
    clock.advance(2 * MINUTE);
    const after = await call('validate', { license_key: held.key });

    // Assess
    expect(activate.body).toEqual({ activated: false, error: 'license_key not found.' });
    expect(within.status).toBe(404);
    expect(after.status).toBe(200);
    expect(double.instances(held.key)).toEqual([]);
  });

  it('sends the activation-limit and unknown-instance refusals bare when told to', async () => {
    // Prepare
    const held = double.addLicense(seed);
    await call('activate', { license_key: held.key, instance_name: 'first' });
    double.refusals.answerBare({ key: held.key, limitStatus: 422, instanceStatus: 400 });

    // Act
    const limit = await call('activate', { license_key: held.key, instance_name: 'second' });
    const instance = await call('validate', { license_key: held.key, instance_id: 'gone' });
    const deactivate = await call('deactivate', { license_key: held.key, instance_id: 'gone' });
    double.refusals.clear();
    const described = await call('validate', { license_key: held.key, instance_id: 'gone' });

    // Assess
    expect(limit).toEqual({
      status: 422,
      body: { activated: false, error: 'This license key has reached the activation limit.' },
    });
    expect(instance).toEqual({
      status: 400,
      body: { valid: false, error: 'instance_id not found.' },
    });
    expect(deactivate.body).toEqual({ deactivated: false, error: 'instance_id not found.' });
    expect(described.status).toBe(404);
    expect(described.body.license_key.key).toBe(held.key);
  });

  it('refuses a transient 404 with neither a number of calls nor an end', () => {
    // Act
    const arm = () => double.refusals.answerNotFound({});

    // Assess
    expect(arm).toThrow(/calls, until/);
  });
});

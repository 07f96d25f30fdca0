import { beforeEach, describe, expect, it } from 'vitest';
import { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';
import { useDouble } from '#test/helpers/sandbox-doubles.ts';

const MANAGEMENT_KEY = 'sk-or-v1-management-test';

const lemon = useDouble(() => LemonSqueezyDouble.start({ apiKey: 'ls-key' }));
const router = useDouble(() => OpenRouterDouble.start({ managementKey: MANAGEMENT_KEY }));
let licenseKey: string;

beforeEach(() => {
  licenseKey = lemon.addLicense({ storeId: 1, productId: 2, variantId: 3 }).key;
});

function validate(signal?: AbortSignal) {
  return fetch(`${lemon.url}/v1/licenses/validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ license_key: licenseKey }),
    signal,
  });
}

function listKeys() {
  return fetch(`${router.url}/keys`, { headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
}

describe('FaultPlan on the doubles', () => {
  it('answers a status fault with the upstream own error shape', async () => {
    // Prepare
    lemon.faults.inject('validate', { kind: 'status', status: 503 });
    lemon.faults.inject('subscriptions', { kind: 'status', status: 500 });
    router.faults.inject('list', { kind: 'status', status: 429 });

    // Act
    const license = await validate();
    const rest = await fetch(`${lemon.url}/v1/subscriptions`);
    const keys = await listKeys();

    // Assess
    expect(license.status).toBe(503);
    expect(await license.json()).toEqual({ message: 'Server Error' });
    expect(rest.status).toBe(500);
    expect(rest.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(await rest.json()).toMatchObject({ errors: [{ status: '500' }] });
    expect(keys.status).toBe(429);
    expect(await keys.json()).toEqual({ error: { code: 429, message: 'Rate limit exceeded' } });
  });

  it('answers a status fault with the body it was given', async () => {
    // Prepare
    lemon.faults.inject('validate', { kind: 'status', status: 422, body: { message: 'custom' } });

    // Act
    const response = await validate();

    // Assess
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ message: 'custom' });
  });

  it('stalls on a timeout fault until the client gives up', async () => {
    // Prepare
    lemon.faults.inject('validate', { kind: 'timeout' });

    // Act
    const stalled = validate(AbortSignal.timeout(200));

    // Assess
    await expect(stalled).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await validate()).status).toBe(200);
  });

  it('closes even while a timeout fault holds a request open', async () => {
    // Prepare
    router.faults.inject('list', { kind: 'timeout' });
    const stalled = listKeys();
    stalled.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    const started = Date.now();
    await router.close();

    // Assess
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(stalled).rejects.toThrow();
  });

  it('answers 502 with an HTML page on a non-json fault', async () => {
    // Prepare
    router.faults.inject('list', { kind: 'non-json' });

    // Act
    const response = await listKeys();

    // Assess
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(response.json()).rejects.toThrow();
  });

  it('resets the connection on a reset fault', async () => {
    // Prepare
    lemon.faults.inject('validate', { kind: 'reset' });

    // Act
    const failure = await validate().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toMatchObject({ code: 'ECONNRESET' });
    expect(lemon.callCount('validate')).toBe(1);
  });

  it('answers normally, late, on a slow fault', async () => {
    // Prepare
    router.faults.inject('list', { kind: 'slow', delayMs: 150 });

    // Act
    const started = Date.now();
    const response = await listKeys();

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [] });
  });

  it('plays a fault `times` times, then answers normally', async () => {
    // Prepare
    lemon.faults.inject('validate', { kind: 'status', status: 503 }, { times: 2 });

    // Act
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await validate()).status);

    // Assess
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('plays queued faults in order and an Infinity fault until clear()', async () => {
    // Prepare
    lemon.faults.inject('validate', { kind: 'status', status: 500 });
    lemon.faults.inject('validate', { kind: 'status', status: 503 }, { times: Infinity });

    // Act
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await validate()).status);
    lemon.faults.clear('validate');
    statuses.push((await validate()).status);

    // Assess
    expect(statuses).toEqual([500, 503, 503, 503, 200]);
  });

  it('leaves other routes alone', async () => {
    // Prepare
    lemon.faults.inject('activate', { kind: 'status', status: 500 });

    // Act
    const response = await validate();

    // Assess
    expect(response.status).toBe(200);
    expect(lemon.faults.take('activate')).toEqual({ kind: 'status', status: 500 });
  });
});

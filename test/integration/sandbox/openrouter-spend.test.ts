import { describe, expect, it } from 'vitest';
import { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';
import { useDoubleOnClock } from '#test/helpers/sandbox-doubles.ts';

const MANAGEMENT_KEY = 'sk-or-v1-management-test';

/** A Key object as these tests read it. */
type KeyJson = { hash: string; disabled: boolean; usage: number } & Record<string, unknown>;

const { double, clock } = useDoubleOnClock('2025-08-24T10:30:00.000Z', (now) =>
  OpenRouterDouble.start({ managementKey: MANAGEMENT_KEY, now }),
);

async function call<Body = { data: KeyJson }>(method: string, path: string, body?: unknown) {
  const response = await fetch(`${double.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function createKey(body: Record<string, unknown>): Promise<KeyJson> {
  const created = await call('POST', '/keys', body);
  expect(created.status).toBe(201);
  return created.body.data;
}

/** Ways a key stops working at OpenRouter. */
const DEAD_KEYS: Array<[string, (hash: string) => Promise<unknown>]> = [
  ['disabled', (hash) => call('PATCH', `/keys/${hash}`, { disabled: true })],
  ['deleted', (hash) => call('DELETE', `/keys/${hash}`)],
  [
    'expired',
    async () => {
      clock.set('2025-09-01T00:00:00Z');
    },
  ],
];

describe('OpenRouterDouble spend', () => {
  it('books spend up to the limit: usage rises, limit_remaining stops at 0, and the booked USD is returned', async () => {
    // Prepare
    const key = await createKey({ name: 'user-1', limit: 1 });

    // Act
    const first = double.spend(key.hash, 0.25);
    const partly = await call('GET', `/keys/${key.hash}`);
    const second = double.spend(key.hash, 5);
    const full = await call('GET', `/keys/${key.hash}`);
    const third = double.spend(key.hash, 1);

    // Assess
    expect([first, second, third]).toEqual([0.25, 0.75, 0]);
    expect(partly.body.data).toMatchObject({ usage: 0.25, limit_remaining: 0.75 });
    expect(full.body.data).toMatchObject({ usage: 1, limit_remaining: 0 });
    expect(double.keys()[0]?.usage).toBe(1);
  });

  it('books all spend on a key without a limit', async () => {
    // Prepare
    const key = await createKey({ name: 'unlimited' });

    // Act
    const booked = double.spend(key.hash, 42);

    // Assess
    expect(booked).toBe(42);
    expect(double.keys()[0]).toMatchObject({ usage: 42, limit: null });
  });

  it.each(DEAD_KEYS)(
    'books nothing on a %s key, as OpenRouter refuses its requests',
    async (_state, kill) => {
      // Prepare
      const key = await createKey({ name: 'user-1', limit: 5, expires_at: '2025-09-01T00:00:00Z' });
      await kill(key.hash);

      // Act
      const booked = double.spend(key.hash, 2);

      // Assess
      expect(booked).toBe(0);
      expect(double.keys()[0]?.usage).toBe(0);
    },
  );

  it('enables a disabled key again with PATCH disabled:false: GET and the list show it live, and it books spend again', async () => {
    // Prepare
    const key = await createKey({ name: 'user-1', limit: 5 });
    await call('PATCH', `/keys/${key.hash}`, { disabled: true });
    const whileDisabled = double.spend(key.hash, 1);

    // Act
    const patched = await call('PATCH', `/keys/${key.hash}`, { disabled: false });
    const fetched = await call('GET', `/keys/${key.hash}`);
    const listed = await call<{ data: KeyJson[] }>('GET', '/keys');
    const afterwards = double.spend(key.hash, 1);

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ disabled: false, limit: 5, limit_remaining: 5 });
    expect(fetched.body.data).toMatchObject({ disabled: false });
    expect(listed.body.data.map((entry) => entry.hash)).toEqual([key.hash]);
    expect([whileDisabled, afterwards]).toEqual([0, 1]);
    expect(double.liveKeys()).toEqual([expect.objectContaining({ hash: key.hash, usage: 1 })]);
  });
});

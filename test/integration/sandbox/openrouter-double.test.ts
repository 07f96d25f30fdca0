import { describe, expect, it } from 'vitest';
import { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';
import { useDoubleOnClock } from '#test/helpers/sandbox-doubles.ts';

const MANAGEMENT_KEY = 'sk-or-v1-management-test';
const HEX64 = /^[0-9a-f]{64}$/;

/** A Key object as the tests read it; the assertions pin the rest. */
type KeyJson = { hash: string; name: string; expires_at: string | null } & Record<string, unknown>;

/** Any answer of the double as the tests read it; which fields it carries is asserted, not typed. */
interface Answer {
  data: KeyJson;
  key: string;
  deleted: boolean;
  error: { code: number; message: string };
}

const { double, clock } = useDoubleOnClock('2025-08-24T10:30:00.000Z', (now) =>
  OpenRouterDouble.start({ managementKey: MANAGEMENT_KEY, now }),
);

async function call<Body = Answer>(
  method: string,
  path: string,
  body?: unknown,
  token = MANAGEMENT_KEY,
) {
  const response = await fetch(`${double.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function createKey(body: Record<string, unknown> = { name: 'user-1' }) {
  const created = await call('POST', '/keys', body);
  expect(created.status).toBe(201);
  return created.body;
}

describe('OpenRouterDouble', () => {
  it('serves under /api/v1', () => {
    // Assess
    expect(double.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });

  it('answers 401 in the error envelope without a valid management key', async () => {
    // Act
    const missing = await fetch(`${double.url}/keys`);
    const wrong = await call('GET', '/keys', undefined, 'sk-or-v1-not-issued');

    // Assess
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: { code: 401, message: 'Missing Authentication header' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe(401);
  });

  it('answers 403 when an issued key is used on /keys', async () => {
    // Prepare
    const { key } = await createKey();

    // Act
    const { status, body } = await call('GET', '/keys', undefined, key);

    // Assess
    expect(status).toBe(403);
    expect(body).toEqual({
      error: { code: 403, message: 'Only management keys can perform this operation' },
    });
  });

  it('creates a key: 201, one-time plaintext key, separate hash, fresh usage', async () => {
    // Act
    const { data, key } = await createKey({
      name: 'acct_7Qm2',
      limit: 5,
      limit_reset: 'monthly',
      expires_at: '2025-09-24T10:30:00Z',
    });

    // Assess
    expect(key).toMatch(/^sk-or-v1-[0-9a-f]{64}$/);
    expect(data.hash).toMatch(HEX64);
    expect(data.hash).not.toBe(key.slice('sk-or-v1-'.length));
    expect(data).toMatchObject({
      name: 'acct_7Qm2',
      label: `sk-or-v1-${key.slice(9, 12)}...${key.slice(-4)}`,
      disabled: false,
      limit: 5,
      limit_remaining: 5,
      limit_reset: 'monthly',
      include_byok_in_limit: false,
      usage: 0,
      usage_daily: 0,
      usage_weekly: 0,
      usage_monthly: 0,
      byok_usage: 0,
      created_at: '2025-08-24T10:30:00Z',
      updated_at: null,
      expires_at: '2025-09-24T10:30:00Z',
    });
    expect(double.liveKeys()).toEqual([
      expect.objectContaining({ hash: data.hash, key, limit: 5, usage: 0, deleted: false }),
    ]);
  });

  it.each([
    ['a missing name', { limit: 1 }],
    ['an empty name', { name: '' }],
    ['a string limit', { name: 'k', limit: '5' }],
    ['an unknown limit_reset', { name: 'k', limit_reset: 'yearly' }],
    ['a non-UTC expires_at', { name: 'k', expires_at: '2025-09-24T12:30:00+02:00' }],
    ['an expires_at without zone', { name: 'k', expires_at: '2025-09-24T10:30:00' }],
    ['a date-only expires_at', { name: 'k', expires_at: '2025-09-24' }],
  ])('answers 400 on create for %s', async (_case, body) => {
    // Act
    const { status, body: answer } = await call('POST', '/keys', body);

    // Assess
    expect(status).toBe(400);
    expect(answer.error.code).toBe(400);
    expect(double.keys()).toEqual([]);
  });

  it('accepts an expires_at in +00:00 and null', async () => {
    // Act
    const offset = await createKey({ name: 'a', expires_at: '2025-09-24T10:30:00+00:00' });
    const none = await createKey({ name: 'b', expires_at: null });

    // Assess
    expect(offset.data.expires_at).toBe('2025-09-24T10:30:00Z');
    expect(none.data.expires_at).toBeNull();
  });

  it('gets and patches a key by hash', async () => {
    // Prepare
    const { data } = await createKey({ name: 'user-1', limit: 10 });
    clock.set('2025-08-25T00:00:00Z');

    // Act
    const patched = await call('PATCH', `/keys/${data.hash}`, { disabled: true, limit: 20 });
    const fetched = await call('GET', `/keys/${data.hash}`);

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      disabled: true,
      limit: 20,
      limit_remaining: 20,
      updated_at: '2025-08-25T00:00:00Z',
    });
    expect(fetched.body).toEqual(patched.body);
    expect(double.liveKeys()).toEqual([]);
  });

  it('answers 400 when a PATCH tries to move expires_at', async () => {
    // Prepare
    const { data } = await createKey({ name: 'user-1', expires_at: '2025-09-01T00:00:00Z' });

    // Act
    const { status, body } = await call('PATCH', `/keys/${data.hash}`, {
      expires_at: '2026-01-01T00:00:00Z',
    });

    // Assess
    expect(status).toBe(400);
    expect(body.error.code).toBe(400);
    expect(double.keys()[0]?.expiresAt).toBe('2025-09-01T00:00:00Z');
  });

  it('deletes a key for good: later GET and PATCH answer 404', async () => {
    // Prepare
    const { data } = await createKey();

    // Act
    const deleted = await call('DELETE', `/keys/${data.hash}`);
    const get = await call('GET', `/keys/${data.hash}`);
    const patch = await call('PATCH', `/keys/${data.hash}`, { disabled: false });

    // Assess
    expect(deleted).toEqual({ status: 200, body: { deleted: true } });
    expect(get).toEqual({
      status: 404,
      body: { error: { code: 404, message: 'Resource not found' } },
    });
    expect(patch.status).toBe(404);
    expect(double.keys()).toEqual([expect.objectContaining({ hash: data.hash, deleted: true })]);
    expect(double.liveKeys()).toEqual([]);
  });

  it('lists keys newest first, hides disabled ones unless asked, and pages by offset', async () => {
    // Prepare
    const first = await createKey({ name: 'first' });
    await createKey({ name: 'second' });
    await createKey({ name: 'third' });
    await call('PATCH', `/keys/${first.data.hash}`, { disabled: true });

    // Act
    const active = await call<{ data: KeyJson[] }>('GET', '/keys');
    const all = await call<{ data: KeyJson[] }>('GET', '/keys?include_disabled=true');
    const paged = await call<{ data: KeyJson[] }>('GET', '/keys?include_disabled=true&offset=2');
    const invalid = await call('GET', '/keys?offset=-1');

    // Assess
    const names = (list: { data: KeyJson[] }) => list.data.map((key) => key.name);
    expect(names(active.body)).toEqual(['third', 'second']);
    expect(names(all.body)).toEqual(['third', 'second', 'first']);
    expect(names(paged.body)).toEqual(['first']);
    expect(invalid.status).toBe(400);
  });

  it('counts calls per route', async () => {
    // Prepare
    const { data } = await createKey();

    // Act
    await call('GET', `/keys/${data.hash}`);
    await call('GET', `/keys/${data.hash}`, undefined, 'wrong');

    // Assess
    expect(double.callCount('create')).toBe(1);
    expect(double.callCount('get')).toBe(2);
    expect(double.callCount('list')).toBe(0);
  });
});

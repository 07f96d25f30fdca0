import { describe, expect, it } from 'vitest';
import { versionOf } from '#adapters/dynamodb/items.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { DEFAULT_RECONCILE_OPTIONS, reconcileLicenses } from '#services/reconcile-licenses.ts';
import { encodeItem } from '#test/compat/story/fixture-format.ts';
import { type Item, kindOf, readFixture } from '#test/helpers/compat-items.ts';
import { startFixtureStack } from '#test/helpers/compat-stack.ts';
import { useFixture } from '#test/helpers/fixture.ts';
import { DAY, MINUTE } from '#test/helpers/manual-clock.ts';

/**
 * Items a release after today's wrote (as during a rollback from it): stamped with a version
 * today does not know and carrying an attribute it has no field for. Today's code reads the
 * fields it knows, and rewrites only its own attributes: the newer one stays, and the stamp
 * says today's release wrote the item last. The one exception is deliberate: a claim taken
 * over (an expired idempotency record) starts a new record, without the old one's attributes.
 */
const fixture = readFixture('release/stop-29');
const LATER_VERSION = 99;
const laterItems: Item[] = fixture.items.map((item) => ({
  ...item,
  schemaVersion: LATER_VERSION,
  laterField: { note: 'written by a later release' },
}));
const { handles } = fixture;
const keyOf = (item: Item) => `${item.pk}/${item.sk}`;

describe("items a newer release wrote, under today's code", () => {
  const stack = useFixture(
    'each',
    () => startFixtureStack(fixture, laterItems),
    (s) => s.close(),
  ).current;

  it('answers from them as from its own', async () => {
    // Act
    const saas = await stack.post('/v1/validate', {
      licenseKey: handles.saas.key,
      instanceName: handles.saas.devices[0],
    });
    const trial = await stack.post('/v1/validate', {
      licenseKey: handles.trial.key,
      instanceName: handles.trial.device,
    });

    // Assess
    expect(saas.body).toMatchObject({ status: 'active' });
    expect(trial.body).toMatchObject({ status: 'trial' });
    const record = await stack.deps.store.get(
      String(laterItems.find((i) => i.sk === 'LICENSE')?.licenseHash),
    );
    expect(record).not.toHaveProperty('laterField');
    expect(record).not.toHaveProperty('schemaVersion');
  });

  it('keeps the attribute it does not know on every item it rewrites, and stamps its own version', async () => {
    // Prepare
    const expired = handles.expiredKeyedRequest;

    // Act: every kind of write, past the negative cache's TTL so the refusal is written again.
    await stack.post('/v1/activate', {
      licenseKey: handles.saas.key,
      instanceName: 'e'.repeat(64),
    });
    await stack.post('/v1/deactivate', {
      licenseKey: handles.saas.key,
      instanceName: handles.saas.devices[0],
    });
    const rerun = await fetch(`${stack.url}${expired.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': expired.key },
      body: expired.body,
    });
    stack.clock.advance(11 * MINUTE);
    await stack.post('/v1/activate', {
      licenseKey: handles.unknownKey,
      instanceName: 'e'.repeat(64),
    });
    stack.clock.advance(2 * DAY);
    await reapOrphanKeys(stack.deps, { ...DEFAULT_REAP_OPTIONS, minAgeMs: MINUTE });
    await reconcileLicenses(stack.deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      spacingMs: 0,
      orderSpacingMs: 0,
    });

    // Assess
    expect(rerun.status).toBe(200);
    const before = new Map(laterItems.map((item) => [keyOf(item), item]));
    const rewritten: string[] = [];
    const lost: string[] = [];
    for (const item of await stack.items()) {
      const old = before.get(keyOf(item));
      if (!old || JSON.stringify(encodeItem(old)) === JSON.stringify(encodeItem(item))) continue;
      rewritten.push(`${kindOf(item).kind} ${versionOf(item)}`);
      if (!item.laterField) lost.push(keyOf(item));
    }
    const expiredClaim = `IDEMPOTENCY#${expired.path}#`;
    expect(lost.map((key) => key.startsWith(expiredClaim))).toEqual([true]);
    expect(new Set(rewritten)).toEqual(
      new Set([
        'alias 1',
        'license 1',
        'rate-counter 1',
        'negative-cache 1',
        'sweep-cursor 1',
        'idempotency 1',
      ]),
    );
  });
});

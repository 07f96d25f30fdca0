import { describe, expect, it } from 'vitest';
import { versionOf } from '#adapters/dynamodb/items.ts';
import { licenseHashOf } from '#domain/license.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { sendWebhook } from '#local/webhook-sender.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { DEFAULT_RECONCILE_OPTIONS, reconcileLicenses } from '#services/reconcile-licenses.ts';
import { DEFAULT_RELEASE_OPTIONS, releaseIdleDevices } from '#services/release-idle-devices.ts';
import { encodeItem } from '#test/compat/story/fixture-format.ts';
import { expectFixtureInvariants } from '#test/helpers/compat-invariants.ts';
import { type Item, kindOf, readFixture } from '#test/helpers/compat-items.ts';
import { startFixtureStack } from '#test/helpers/compat-stack.ts';
import { useFixture } from '#test/helpers/fixture.ts';
import { DAY, MINUTE } from '#test/helpers/manual-clock.ts';
import { eventFor } from '#test/helpers/webhook-events.ts';

/**
 * Forward compatibility: today's code on the table the previous release left after the
 * compatibility story (test/compat/fixtures/, written by `pnpm compat:fixture` on that release's
 * own code), with the doubles holding what they held then. During a canary, and after a
 * rollback is undone, today's release serves exactly these items.
 */
const fixture = readFixture('release/stop-29');
const { handles } = fixture;
const licenseItem = (key: string) =>
  fixture.items.find(
    (item) => item.pk === `LICENSE#${licenseHashOf(key)}` && item.sk === 'LICENSE',
  );
const slotOf = (key: string, instanceName: string) =>
  Object.values((licenseItem(key)?.devices ?? {}) as Record<string, Item>).find(
    (slot) => slot.instanceName === instanceName,
  );
const tokenOf = (key: string) => (licenseItem(key)?.ai as { token?: string } | undefined)?.token;

describe(`today's code on the items of ${fixture.ref} (${fixture.commit.slice(0, 12)})`, () => {
  const stack = useFixture(
    'each',
    () => startFixtureStack(fixture),
    (s) => s.close(),
  ).current;

  it('knows every attribute of every item, and reads each license whole', async () => {
    // Prepare
    const unknown = fixture.items.flatMap((item) => {
      const { kind, shape } = kindOf(item);
      return Object.keys(item)
        .filter((attribute) => !(attribute in shape.fields))
        .map((attribute) => `${kind} ${String(item.pk).slice(0, 24)}: ${attribute}`);
    });
    const licenses = fixture.items.filter((item) => item.sk === 'LICENSE');

    // Act
    const read = await Promise.all(
      licenses.map((item) => stack.deps.store.get(String(item.licenseHash))),
    );

    // Assess
    expect(unknown, 'attributes today has no field for (renamed or dropped?)').toEqual([]);
    expect(licenses).toHaveLength(3);
    read.forEach((record, index) => {
      const { pk: _pk, sk: _sk, email: _email, ...stored } = licenses[index] as Item;
      expect(record).toEqual(stored);
    });
  });

  it('validates the trial, the SaaS license and the BYOK one as they stand', async () => {
    // Act
    const saas = await stack.post('/v1/validate', {
      licenseKey: handles.saas.key,
      instanceName: handles.saas.devices[0],
    });
    const byok = await stack.post('/v1/validate', {
      licenseKey: handles.byok.key,
      instanceName: handles.byok.device,
    });
    const trial = await stack.post('/v1/validate', {
      licenseKey: handles.trial.key,
      instanceName: handles.trial.device,
    });

    // Assess: the stored keys are handed out again, none is minted.
    expect([saas.status, byok.status, trial.status]).toEqual([200, 200, 200]);
    expect(saas.body).toMatchObject({
      status: 'active',
      instanceId: slotOf(handles.saas.key, handles.saas.devices[0] ?? '')?.instanceId,
      ai_details: { token: tokenOf(handles.saas.key) },
    });
    expect(byok.body).toMatchObject({ status: 'active', ai_mode: 'byok' });
    expect(trial.body).toMatchObject({
      status: 'trial',
      ai_details: { token: tokenOf(handles.trial.key) },
    });
    expect(stack.openRouter.keys()).toHaveLength(fixture.openRouter.length);
  });

  it('replays the stored answer of a keyed request and the remembered refusal of a key', async () => {
    // Prepare
    const { path, key, body } = handles.keyedRequest;
    const stored = fixture.items.find(
      (item) => String(item.pk).startsWith(`IDEMPOTENCY#${path}#`) && item.state === 'done',
    );
    const remembered = fixture.items.find((item) => String(item.pk).startsWith('NEGATIVE#'));
    const asked = stack.lemonSqueezy.licenseApiCalls(handles.unknownKey).length;

    // Act
    const replay = await fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body,
    });
    const replayed = await replay.text();
    const expired = handles.expiredKeyedRequest;
    const rerun = await fetch(`${stack.url}${expired.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': expired.key },
      body: expired.body,
    });
    const refused = await stack.post('/v1/activate', {
      licenseKey: handles.unknownKey,
      instanceName: handles.saas.devices[0],
    });

    // Assess
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed).toBe((stored?.response as { body?: string } | undefined)?.body);
    expect([rerun.status, rerun.headers.get('idempotent-replayed')]).toEqual([200, null]);
    expect(refused.body.code).toBe(remembered?.code);
    expect(stack.lemonSqueezy.licenseApiCalls(handles.unknownKey)).toHaveLength(asked);
  });

  it('activates a device beside the stored ones and deactivates a stored one', async () => {
    // Act
    const added = await stack.post('/v1/activate', {
      licenseKey: handles.saas.key,
      instanceName: 'f'.repeat(64),
    });
    const freed = await stack.post('/v1/deactivate', {
      licenseKey: handles.saas.key,
      instanceName: handles.saas.devices[0],
    });

    // Assess
    expect([added.status, freed.status]).toEqual([200, 200]);
    expect(added.body.ai_details?.token).toBe(tokenOf(handles.saas.key));
    await expectFixtureInvariants(stack, fixture);
  });

  it('takes redeliveries of applied events as duplicates and applies a new one', async () => {
    // Prepare
    const url = `${stack.url}/v1/webhook`;
    const secret = SANDBOX_SECRETS.WEBHOOK_SECRET;
    stack.clock.advance(MINUTE);
    const seeded = fixture.lemonSqueezy[0]?.seeded;
    if (!seeded) throw new Error('the fixture seeded no license');

    // Act
    const again = await Promise.all(handles.webhooks.map((raw) => sendWebhook(url, raw, secret)));
    const fresh = await sendWebhook(url, eventFor(stack, 'subscription_updated', seeded), secret);

    // Assess
    expect(again.map((answer) => JSON.parse(answer.text).outcome)).toEqual(
      handles.webhooks.map(() => 'duplicate'),
    );
    expect(JSON.parse(fresh.text).outcome).toBe('applied');
    const record = await stack.deps.store.get(licenseHashOf(seeded.key));
    expect(record?.subscriptionAsOf).toBe(stack.clock.now().toISOString());
  });

  it('runs the reaper and the reconciler over the stored sweeps, and stamps what it rewrites', async () => {
    // Prepare
    stack.clock.advance(2 * DAY);

    // Act
    await reapOrphanKeys(stack.deps, { ...DEFAULT_REAP_OPTIONS, minAgeMs: MINUTE });
    await releaseIdleDevices(stack.deps, { ...DEFAULT_RELEASE_OPTIONS, spacingMs: 0 });
    const summary = await reconcileLicenses(stack.deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      spacingMs: 0,
      orderSpacingMs: 0,
    });

    // Assess: every item rewritten says today's version; the others still say none.
    expect(summary.confirmed).toBeGreaterThan(0);
    await expectFixtureInvariants(stack, fixture);
    const before = new Map(fixture.items.map((item) => [`${item.pk}/${item.sk}`, item]));
    for (const item of await stack.items()) {
      const old = before.get(`${item.pk}/${item.sk}`);
      const same = old && JSON.stringify(encodeItem(old)) === JSON.stringify(encodeItem(item));
      const expected = same ? 0 : kindOf(item).shape.version;
      expect(versionOf(item), `${String(item.pk)}/${String(item.sk)}`).toBe(expected);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import { admin } from '#test/helpers/admin.ts';
import { DAY, SECOND } from '#test/helpers/manual-clock.ts';
import { activatedLicense, useTestStack } from '#test/helpers/test-stack.ts';
import { activeAgainEvent, deliver, eventFor, keyOf } from '#test/helpers/webhook-events.ts';

/**
 * Issue 21, findings 5 and 6: enabling or disabling a key is a two-system step (OpenRouter, then
 * the record). A record write that fails (503) after OpenRouter changed must not leave a token
 * served that OpenRouter disabled, nor a key enabled at OpenRouter on a license that may not use
 * it: the intent written first, the usage read, the reaper and the reconciler repair it.
 */
describe('enable and disable: the record and OpenRouter put back in step', () => {
  const stack = useTestStack({}, { faults: true });

  /** The record write named `pattern` fails with a 500 on every try until `healed`. */
  const failWrite = (pattern: string) =>
    stack.faults?.inject({
      kind: 'server',
      times: Number.POSITIVE_INFINITY,
      match: (call) => call.name.includes(pattern),
    });
  const healed = () => stack.faults?.clear();
  const storedKey = async (licenseKey: string) =>
    (await stack.deps.store.get(licenseHashOf(licenseKey)))?.ai;
  /**
   * LemonSqueezy disables the license (or makes it usable again) and says so a few seconds on: an
   * event of the same second as the stored facts would be decided by asking LemonSqueezy (I8).
   */
  const disabledEvent = (license: SeededLicense) => {
    stack.clock.advance(5 * SECOND);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    return eventFor(stack, 'license_key_updated', license);
  };
  const activeEvent = (license: SeededLicense) => {
    stack.clock.advance(5 * SECOND);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });
    return activeAgainEvent(stack, license);
  };

  it('serves no token OpenRouter disabled when a revoke went unrecorded and a newer event made the license usable (finding 5)', async () => {
    // Prepare: OpenRouter disables the key, recording it fails; "active" lands before the retry.
    const { license, token } = await activatedLicense(stack);
    const disable = disabledEvent(license);
    failWrite('SET ai.disabledAt');
    const failed = await deliver(stack, disable);
    healed();
    const disabledAtOpenRouter = keyOf(stack, token)?.disabled;
    const activeAgain = await deliver(stack, activeEvent(license));
    const staleRetry = await deliver(stack, disable);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess: the token served works at OpenRouter.
    expect(failed.status).toBe(503);
    expect(disabledAtOpenRouter).toBe(true);
    expect([activeAgain.status, staleRetry.status]).toEqual([200, 200]);
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('active');
    expect(response.body.ai_details?.token).toBe(token);
    expect(keyOf(stack, token)).toMatchObject({ disabled: false, deleted: false });
    expect(await storedKey(license.key)).not.toHaveProperty('intent');
  });

  it('enables the key again when the daily usage read finds it disabled at OpenRouter (finding 5)', async () => {
    // Prepare: the record says live, OpenRouter holds the key disabled (a lost record, an old item).
    const { license, token } = await activatedLicense(stack);
    const hash = keyOf(stack, token)?.hash as string;
    await stack.deps.keys.disable(hash);
    stack.clock.advance(DAY + SECOND);

    // Act
    const response = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.ai_details?.token).toBe(token);
    expect(keyOf(stack, token)).toMatchObject({ disabled: false, deleted: false });
    expect(await storedKey(license.key)).not.toHaveProperty('disabledAt');
  });

  it('disables at OpenRouter a key whose enabling went unrecorded once the license is disabled again (finding 6)', async () => {
    // Prepare: disabled, usable again; the validate enables at OpenRouter, recording it fails.
    const { license, token } = await activatedLicense(stack);
    await deliver(stack, disabledEvent(license));
    await deliver(stack, activeEvent(license));
    failWrite('REMOVE ai.disabledAt');
    const failed = await stack.post('/v1/validate', { licenseKey: license.key });
    healed();
    const enabledAtOpenRouter = keyOf(stack, token)?.disabled === false;

    // Act
    const disabledAgain = await deliver(stack, disabledEvent(license));

    // Assess
    expect(failed.status).toBe(503);
    expect(enabledAtOpenRouter).toBe(true);
    expect(disabledAgain.status).toBe(200);
    expect(keyOf(stack, token)).toMatchObject({ disabled: true });
    const stored = await storedKey(license.key);
    expect(stored?.disabledAt).toEqual(expect.any(String));
    expect(stored).not.toHaveProperty('intent');
  });

  it("has the reaper disable a held key OpenRouter still has enabled (an operator's revoke that failed there)", async () => {
    // Prepare: the hold is set, OpenRouter fails the disable.
    const { license, token } = await activatedLicense(stack);
    stack.openRouter.faults.inject('update', { kind: 'status', status: 500 }, { times: 10 });
    const revoked = await admin(stack, 'key revoke', { licenseKey: license.key });
    stack.openRouter.faults.clear();
    const enabledAtOpenRouter = keyOf(stack, token)?.disabled === false;
    stack.clock.advance(DEFAULT_REAP_OPTIONS.minAgeMs + SECOND);

    // Act
    const run = await reapOrphanKeys(stack.deps);

    // Assess
    expect(revoked.status).toBe(503);
    expect(enabledAtOpenRouter).toBe(true);
    expect(run.settled).toBeGreaterThanOrEqual(1);
    expect(keyOf(stack, token)).toMatchObject({ disabled: true, deleted: false });
    expect((await storedKey(license.key))?.disabledAt).toEqual(expect.any(String));
  });

  it('has the reconciler disable a key left live on a license stored disabled (finding 6)', async () => {
    // Prepare: the disable event arrives, OpenRouter fails, LemonSqueezy gives up retrying.
    const { license, token } = await activatedLicense(stack);
    stack.openRouter.faults.inject('update', { kind: 'status', status: 500 }, { times: 10 });
    const failed = await deliver(stack, disabledEvent(license));
    stack.openRouter.faults.clear();
    const enabledAtOpenRouter = keyOf(stack, token)?.disabled === false;
    stack.clock.advance(DAY);
    await stack.deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, new Date().toISOString());

    // Act
    const summary = await reconcileLicenses(stack.deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      spacingMs: 0,
      orderSpacingMs: 0,
    });

    // Assess
    expect(failed.status).toBe(503);
    expect(enabledAtOpenRouter).toBe(true);
    expect(summary.keysSettled).toBeGreaterThanOrEqual(1);
    expect(keyOf(stack, token)).toMatchObject({ disabled: true, deleted: false });
    expect((await storedKey(license.key))?.disabledAt).toEqual(expect.any(String));
  });
});

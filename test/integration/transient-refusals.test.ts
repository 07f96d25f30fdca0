import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import { REFUSAL_CONFIRM_AFTER_MS } from '#services/unconfirmed-refusals.ts';
import { admin } from '#test/helpers/admin.ts';
import { captureEmf } from '#test/helpers/emf-capture.ts';
import { DAY, MINUTE } from '#test/helpers/manual-clock.ts';
import { activatedLicense, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver, eventFor, keyOf, storedLicense, validate } from '#test/helpers/webhook-events.ts';

/** The stored facts are a day old: the next validate asks LemonSqueezy (STATUS_TTL_SECONDS). */
const STALE = 2 * DAY;

/** LemonSqueezy answers `404 license_key not found.` for this key for `minutes` from now. */
function notFoundFor(stack: TestStack, key: string, minutes: number) {
  const until = new Date(stack.clock.now().getTime() + minutes * MINUTE).toISOString();
  stack.lemonSqueezy.refusals.answerNotFound({ key, until });
}

/** LemonSqueezy's REST API answers 500 until the faults are cleared: no second opinion. */
function restDown(stack: TestStack) {
  stack.lemonSqueezy.faults.inject(
    'license-keys',
    { kind: 'status', status: 500 },
    { times: Number.POSITIVE_INFINITY },
  );
}

describe('refusals LemonSqueezy has not confirmed (I11)', () => {
  const stack = useTestStack();

  afterEach(() => {
    stack.lemonSqueezy.refusals.clear();
    stack.lemonSqueezy.faults.clear();
  });

  // First: the reconciler test below counts in `stack.deps.metrics`, published with a later request.
  describe('the UnconfirmedRefusals metric', () => {
    let emf: ReturnType<typeof captureEmf>;

    beforeEach(() => {
      emf = captureEmf();
    });

    afterEach(() => {
      emf.restore();
    });

    it('counts each license once, however often its refusal is read', async () => {
      // Prepare
      const first = await activatedLicense(stack);
      const second = await activatedLicense(stack);
      stack.clock.advance(STALE);
      stack.lemonSqueezy.refusals.answerNotFound({ calls: 4 });

      // Act
      await validate(stack, first.license);
      await validate(stack, first.license);
      await validate(stack, second.license);

      // Assess
      expect(emf.total('UnconfirmedRefusals')).toBe(2);
      expect(emf.value('UnconfirmedRefusals', { Answer: 'not-found' })).toBe(2);
    });
  });

  it('records the license sighting of a validate served the stored facts (its AI held, so no usage read)', async () => {
    // Prepare: no live key, so the sighting is the only part of its own write (found by the model
    // test: that write had an empty condition and failed, and the license looked idle).
    const { license } = await activatedLicense(stack);
    await admin(stack, 'key revoke', { licenseKey: license.key });
    stack.clock.advance(DAY + MINUTE);
    await validate(stack, license);
    stack.clock.advance(DAY + MINUTE);
    stack.lemonSqueezy.refusals.answerNotFound({ key: license.key, calls: 1 });

    // Act
    const during = await validate(stack, license);

    // Assess
    expect(during.body.status).toBe('active');
    const stored = await storedLicense(stack, license);
    expect(stored?.unconfirmedRefusal).toBeDefined();
    expect(stored?.licenseSeenAt).toBe(stack.clock.now().toISOString());
  });

  it('keeps serving a license LemonSqueezy answers 404 for once, and forgets the 404 when it answers usable again', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(STALE);
    stack.lemonSqueezy.refusals.answerNotFound({ key: license.key, calls: 1 });

    // Act
    const during = await validate(stack, license);
    const marked = await storedLicense(stack, license);
    stack.clock.advance(REFUSAL_CONFIRM_AFTER_MS + MINUTE);
    const after = await validate(stack, license);

    // Assess
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ status: 'active', ai_details: { token } });
    expect(marked).toMatchObject({ status: 'active', unconfirmedRefusal: { answer: 'not-found' } });
    expect(after.body).toMatchObject({ status: 'active', ai_details: { token } });
    expect((await storedLicense(stack, license))?.unconfirmedRefusal).toBeUndefined();
    expect(keyOf(stack, token)?.disabled).toBe(false);
  });

  it('revokes once the 404 still stands five minutes after it was first seen, asking nothing in between', async () => {
    // Prepare: the REST API is down too, so only time can confirm.
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(STALE);
    notFoundFor(stack, license.key, 60);
    restDown(stack);
    const first = await validate(stack, license);
    const calls = stack.lemonSqueezy.callCount('validate');

    // Act
    stack.clock.advance(REFUSAL_CONFIRM_AFTER_MS - MINUTE);
    const early = await validate(stack, license);
    const callsEarly = stack.lemonSqueezy.callCount('validate');
    stack.clock.advance(2 * MINUTE);
    const confirmed = await validate(stack, license);

    // Assess
    expect(first.body).toMatchObject({ status: 'active', ai_details: { token } });
    expect(early.body).toMatchObject({ status: 'active', ai_details: { token } });
    expect(callsEarly).toBe(calls);
    expect(confirmed.body).toMatchObject({ status: 'suspended', code: 'LICENSE_DISABLED' });
    expect(confirmed.body.ai_details).toBeUndefined();
    expect(keyOf(stack, token)?.disabled).toBe(true);
    const stored = await storedLicense(stack, license);
    expect(stored?.status).toBe('disabled');
    expect(stored?.unconfirmedRefusal).toBeUndefined();
  });

  it('keeps a license whose key the REST API calls active, however long the 404 lasts', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(STALE);
    notFoundFor(stack, license.key, 60);

    // Act
    await validate(stack, license);
    stack.clock.advance(REFUSAL_CONFIRM_AFTER_MS + MINUTE);
    const later = await validate(stack, license);

    // Assess
    expect(later.body).toMatchObject({ status: 'active', ai_details: { token } });
    expect(await storedLicense(stack, license)).toMatchObject({
      status: 'active',
      unconfirmedRefusal: { answer: 'not-found' },
    });
  });

  it('answers a re-activation during a 404 with 503, not LICENSE_NOT_FOUND, and keeps the license', async () => {
    // Prepare
    const { license, device, token } = await activatedLicense(stack);
    stack.clock.advance(STALE);
    notFoundFor(stack, license.key, 3);

    // Act
    const during = await stack.post('/v1/activate', {
      instanceName: device,
      licenseKey: license.key,
    });
    stack.clock.advance(4 * MINUTE);
    const after = await stack.post('/v1/activate', {
      instanceName: device,
      licenseKey: license.key,
    });

    // Assess
    expect(during.status).toBe(503);
    expect(during.body.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(after.status).toBe(200);
    expect(after.body.ai_details?.token).toBe(token);
    expect((await storedLicense(stack, license))?.unconfirmedRefusal).toBeUndefined();
  });

  it('applies a disabled answer at once when the REST API agrees', async () => {
    // Prepare: disabled in LemonSqueezy's dashboard, its webhook lost.
    const { license, token } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    stack.clock.advance(STALE);

    // Act
    const response = await validate(stack, license);

    // Assess
    expect(response.body).toMatchObject({ status: 'suspended', code: 'LICENSE_DISABLED' });
    expect(keyOf(stack, token)?.disabled).toBe(true);
  });

  it('applies an expiry by date at once, with no second opinion', async () => {
    // Prepare: LemonSqueezy's expires_at moved into the past; its REST API is down.
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(STALE);
    const past = new Date(stack.clock.now().getTime() - DAY).toISOString();
    stack.lemonSqueezy.updateLicense(license.key, { expiresAt: past });
    restDown(stack);

    // Act
    const response = await validate(stack, license);

    // Assess
    expect(response.body).toMatchObject({ status: 'expired', code: 'LICENSE_EXPIRED' });
    expect(keyOf(stack, token)?.disabled).toBe(true);
  });

  it('applies a webhook saying disabled at once, and it clears the mark', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(STALE);
    notFoundFor(stack, license.key, 3);
    await validate(stack, license);
    const marked = await storedLicense(stack, license);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });

    // Act
    const delivered = await deliver(stack, eventFor(stack, 'license_key_updated', license));
    const response = await validate(stack, license);

    // Assess
    expect(marked?.unconfirmedRefusal).toBeDefined();
    expect(delivered.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'suspended', code: 'LICENSE_DISABLED' });
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect((await storedLicense(stack, license))?.unconfirmedRefusal).toBeUndefined();
  });

  it('answers 503 and issues no key when a key is due and the 404 is unconfirmed', async () => {
    // Prepare: the credit period has ended and LemonSqueezy recorded the renewal.
    const renewsAt = new Date(stack.clock.now().getTime() + DAY).toISOString();
    const { license } = await activatedLicense(stack, 'saas', renewsAt);
    const renewed = new Date(stack.clock.now().getTime() + 31 * DAY).toISOString();
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { renewsAt: renewed });
    stack.clock.advance(2 * DAY);
    notFoundFor(stack, license.key, 3);
    const keysBefore = stack.openRouter.keys().length;

    // Act
    const response = await validate(stack, license);

    // Assess
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(stack.openRouter.keys()).toHaveLength(keysBefore);
    expect((await storedLicense(stack, license))?.unconfirmedRefusal).toMatchObject({
      answer: 'not-found',
    });
  });

  it('lets neither the reconciler nor an operator sync revoke on one unconfirmed 404', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(STALE);
    notFoundFor(stack, license.key, 3);
    await stack.deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, new Date().toISOString());

    // Act
    const summary = await reconcileLicenses(stack.deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      spacingMs: 0,
      orderSpacingMs: 0,
    });
    const reconciled = await stack.deps.store.get(licenseHashOf(license.key));
    const synced = await admin(stack, 'license sync', { licenseKey: license.key });

    // Assess
    expect(summary.confirmed).toBeGreaterThanOrEqual(1);
    expect(reconciled).toMatchObject({
      status: 'active',
      unconfirmedRefusal: { answer: 'not-found' },
    });
    expect(synced.status).toBe(200);
    expect(synced.body.after).toMatchObject({ status: 'active' });
    const stored = await stack.deps.store.get(licenseHashOf(license.key));
    expect(stored?.status).toBe('active');
    expect(stored?.unconfirmedRefusal?.answer).toBe('not-found');
    expect(keyOf(stack, token)?.disabled).toBe(false);
  });
});

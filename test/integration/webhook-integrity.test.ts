import { describe, expect, it } from 'vitest';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import { HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';
import {
  activatedInOrder,
  deliver,
  deliveryIdOf,
  eventFor,
  keyOf,
  storedLicense,
  validate,
  withRawAttribute,
  writeOldOrderAlias,
} from '#test/helpers/webhook-events.ts';

/** Invariant I8: webhooks as LemonSqueezy really sends them. */
describe('POST /v1/webhook: events as LemonSqueezy really sends them (I8)', () => {
  const stack = useTestStack();

  /** The table, in a stable order, to compare before and after a refused event. */
  async function table() {
    const items = await stack.items();
    return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
  }

  async function expectRevoked(license: SeededLicense, token: string) {
    const validated = await validate(stack, license);
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect([validated.status, validated.body.status, validated.body.code]).toEqual([
      200,
      'suspended',
      'LICENSE_DISABLED',
    ]);
  }

  it('applies a license_key_created whose instances_count is null, as real ones are', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const body = eventFor(stack, 'license_key_created', license, {
      'data.attributes.instances_count': null,
    });

    // Act
    const response = await deliver(stack, body);

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    expect(await storedLicense(stack, license)).toMatchObject({
      provider: { activationUsage: 0, activationLimit: 3 },
    });
  });

  it('applies a license_key_updated to disabled whose instances_count is null', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    const body = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.status': 'disabled',
      'data.attributes.instances_count': null,
    });

    // Act
    const response = await deliver(stack, body);

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    await expectRevoked(license, token);
  });

  it('reads every documented-nullable license-key attribute sent as null as its neutral value', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const body = eventFor(stack, 'license_key_created', license, {
      'data.attributes.activation_limit': null,
      'data.attributes.user_name': null,
      'data.attributes.user_email': null,
      'data.attributes.expires_at': null,
      'data.attributes.test_mode': null,
      'meta.test_mode': null,
    });

    // Act
    const response = await deliver(stack, body);

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    expect(await storedLicense(stack, license)).toMatchObject({
      customerName: null,
      customerEmail: null,
      expiresAt: null,
      provider: { activationLimit: null, activationUsage: 0, testMode: false },
    });
  });

  it('applies an order_refunded whose refunded and refunded_at are null but whose status is refunded', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    const body = eventFor(stack, 'order_refunded', license, {
      'data.attributes.refunded': null,
      'data.attributes.refunded_at': null,
    });

    // Act
    const response = await deliver(stack, body);

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    await expectRevoked(license, token);
  });

  it.each([
    ['an unparseable updated_at', 'license_key_updated', 'data.attributes.updated_at', 'yesterday'],
    [
      'an unparseable expires_at',
      'license_key_updated',
      'data.attributes.expires_at',
      '2026-13-45',
    ],
    ['an unparseable renews_at', 'subscription_updated', 'data.attributes.renews_at', 'soon'],
    ['an unparseable ends_at', 'subscription_expired', 'data.attributes.ends_at', '1'],
    ['an unparseable refunded_at', 'order_refunded', 'data.attributes.refunded_at', 'x'],
    ['a number sent as a string', 'license_key_updated', 'data.attributes.activation_limit', '3'],
    ['an order_id sent as a string', 'subscription_expired', 'data.attributes.order_id', '5001'],
    ['a license-key id that is not numeric', 'license_key_updated', 'data.id', 'abc'],
    ['a data.type that does not match the event', 'order_refunded', 'data.type', 'license-keys'],
  ])(
    'answers 400 INVALID_EVENT to a signed event with %s, and writes nothing',
    async (_label, name, path, value) => {
      // Prepare
      const { license, token } = await activatedLicense(stack);
      const body = eventFor(stack, name, license, { [path]: value });
      const before = await table();

      // Act
      const response = await deliver(stack, body);

      // Assess
      expect([response.status, response.body?.code]).toEqual([400, 'INVALID_EVENT']);
      const after = await table();
      expect(after.find((item) => item.pk === `EVENT#${deliveryIdOf(body)}`)).toBeUndefined();
      expect(after).toEqual(before);
      expect(keyOf(stack, token)?.disabled).toBe(false);
    },
  );

  it('applies two different events stamped with the same second as LemonSqueezy has them now, and recognises each redelivery', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    const sameSecond = stack.clock.now().toISOString().replace('Z', '000Z');
    const raiseLimit = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': sameSecond,
      'data.attributes.status': 'active',
      'data.attributes.disabled': 0,
      'data.attributes.instances_count': 1,
      'data.attributes.activation_limit': 5,
    });
    const disable = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': sameSecond,
      'data.attributes.status': 'disabled',
      'data.attributes.activation_limit': 5,
    });

    // LemonSqueezy's state after both changes: a tie that differs is decided by asking it.
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled', activationLimit: 5 });

    // Act: delivered newest last, then again newest first.
    const first = await deliver(stack, raiseLimit);
    const second = await deliver(stack, disable);
    const firstAgain = await deliver(stack, raiseLimit);
    const secondAgain = await deliver(stack, disable);

    // Assess
    expect([first.body?.outcome, second.body?.outcome]).toEqual(['applied', 'applied']);
    expect([firstAgain.body?.outcome, secondAgain.body?.outcome]).toEqual([
      'duplicate',
      'duplicate',
    ]);
    expect(await storedLicense(stack, license)).toMatchObject({
      status: 'disabled',
      provider: { activationLimit: 5 },
    });
    expect(keyOf(stack, token)?.disabled).toBe(true);
  });

  it('keeps what LemonSqueezy has when an older event of the same second arrives last (I8)', async () => {
    // Prepare: within one second the key was disabled, then enabled, then disabled again at
    // LemonSqueezy; the "active" event is delayed and arrives after the last "disabled".
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(HOUR);
    const second = stack.clock.now().toISOString();
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    const disabled = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': second,
      'data.attributes.status': 'disabled',
    });
    const delayedActive = eventFor(stack, 'license_key_updated', license, {
      'data.attributes.updated_at': second,
      'data.attributes.status': 'active',
      'data.attributes.disabled': 0,
    });

    // Act
    await deliver(stack, disabled);
    const late = await deliver(stack, delayedActive);
    const validated = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess: the tie was decided by asking LemonSqueezy, not by arrival order.
    expect(late.status).toBe(200);
    expect((await storedLicense(stack, license))?.status).toBe('disabled');
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect([validated.body.status, validated.body.ai_details]).toEqual(['suspended', undefined]);
  });

  it('order_refunded of an order with two license keys revokes both', async () => {
    // Prepare
    const first = await activatedInOrder(stack);
    const second = await activatedInOrder(stack, first.license.orderId);

    // Act
    const response = await deliver(stack, eventFor(stack, 'order_refunded', first.license));

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    await expectRevoked(first.license, first.token);
    await expectRevoked(second.license, second.token);
  });

  it('order_refunded still finds a license linked by an order alias written before multi-key orders', async () => {
    // Prepare: the old alias shape held one `licenseHash`, overwritten by each key of the order.
    const first = await activatedInOrder(stack);
    await writeOldOrderAlias(stack, first.license);
    const second = await activatedInOrder(stack, first.license.orderId);

    // Act
    const response = await deliver(stack, eventFor(stack, 'order_refunded', first.license));

    // Assess
    expect([response.status, response.body?.outcome]).toEqual([200, 'applied']);
    await expectRevoked(first.license, first.token);
    await expectRevoked(second.license, second.token);
  });

  it.each([
    ['attributes holding a __proto__ key', 'license_key_created', {}, 200, 'applied'],
    ['data.id constructor', 'license_key_updated', { 'data.id': 'constructor' }, 400, undefined],
    ['an order id __proto__', 'order_refunded', { 'data.id': '__proto__' }, 400, undefined],
    [
      'a name, type and id of constructor',
      'license_key_updated',
      { 'meta.event_name': 'constructor', 'data.type': 'constructor', 'data.id': 'constructor' },
      200,
      'ignored',
    ],
    [
      'the name __proto__',
      'license_key_updated',
      { 'meta.event_name': '__proto__' },
      200,
      'ignored',
    ],
    ['the name toString', 'order_refunded', { 'meta.event_name': 'toString' }, 200, 'ignored'],
  ])(
    'treats a signed event with %s as data: no 5xx and no prototype touched',
    async (_label, name, overrides, status, outcome) => {
      // Prepare: the `__proto__` attribute names another store and a disabled key.
      const body = withRawAttribute(
        eventFor(stack, name, seedLicense(stack, 'saas'), overrides),
        '__proto__',
        '{"polluted":"yes","store_id":1,"status":"disabled"}',
      );

      // Act
      const response = await deliver(stack, body);

      // Assess
      expect([response.status, response.body?.outcome]).toEqual([status, outcome]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.hasOwn(Object.prototype, 'store_id')).toBe(false);
    },
  );
});

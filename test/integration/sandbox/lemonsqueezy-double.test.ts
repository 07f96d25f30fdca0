import { describe, expect, it } from 'vitest';
import { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import { licenseCallsTo } from '#test/helpers/license-api-calls.ts';
import { useDoubleOnClock } from '#test/helpers/sandbox-doubles.ts';

const API_KEY = 'ls-test-api-key';
const LS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const product = { storeId: 11, productId: 22, variantId: 33 };

const { double, clock } = useDoubleOnClock('2025-03-01T10:00:00.000Z', (now) =>
  LemonSqueezyDouble.start({ apiKey: API_KEY, now }),
);
const licenseCall = licenseCallsTo(double);

describe('LemonSqueezyDouble', () => {
  describe('License API', () => {
    it('activates with a JSON body and answers the documented shape', async () => {
      // Prepare
      const seeded = double.addLicense({ ...product, customerEmail: 'jane@example.com' });

      // Act
      const { status, body } = await licenseCall('activate', {
        license_key: seeded.key,
        instance_name: 'laptop',
      });

      // Assess
      expect(status).toBe(200);
      expect(Object.keys(body)).toEqual(['activated', 'error', 'license_key', 'instance', 'meta']);
      expect(body).toMatchObject({
        activated: true,
        error: null,
        license_key: {
          id: seeded.id,
          status: 'active',
          key: seeded.key,
          activation_limit: 3,
          activation_usage: 1,
          expires_at: null,
          test_mode: false,
        },
        instance: { name: 'laptop' },
        meta: {
          store_id: 11,
          order_id: seeded.orderId,
          order_item_id: seeded.orderItemId,
          product_id: 22,
          variant_id: 33,
          customer_email: 'jane@example.com',
        },
      });
      expect(Object.keys(body.meta)).toHaveLength(10);
      expect(body.instance.id).toMatch(UUID);
      expect(body.instance.created_at).toBe('2025-03-01T10:00:00.000000Z');
      expect(body.license_key.created_at).toMatch(LS_TIME);
    });

    it('activates with a form-encoded body', async () => {
      // Prepare
      const { key } = double.addLicense(product);

      // Act
      const { status, body } = await licenseCall(
        'activate',
        { license_key: key, instance_name: 'desktop' },
        true,
      );

      // Assess
      expect(status).toBe(200);
      expect(body.activated).toBe(true);
      expect(double.instances(key)).toEqual([{ id: body.instance.id, name: 'desktop' }]);
    });

    it('creates a new instance on every activate, even with the same name', async () => {
      // Prepare
      const { key } = double.addLicense(product);

      // Act
      const first = await licenseCall('activate', { license_key: key, instance_name: 'same' });
      const second = await licenseCall('activate', { license_key: key, instance_name: 'same' });

      // Assess
      expect(first.body.instance.id).not.toBe(second.body.instance.id);
      expect(second.body.license_key.activation_usage).toBe(2);
      expect(double.instances(key)).toHaveLength(2);
    });

    it('answers 404 with valid:false for an unknown key', async () => {
      // Act
      const { status, body } = await licenseCall('validate', { license_key: 'NOPE' });

      // Assess
      expect(status).toBe(404);
      expect(body).toEqual({ valid: false, error: 'license_key not found.' });
    });

    it('answers 422 in the Laravel shape when a required field is missing', async () => {
      // Act
      const validate = await licenseCall('validate', {});
      const activate = await licenseCall('activate', { license_key: '  ' });

      // Assess
      expect(validate.status).toBe(422);
      expect(validate.body).toEqual({
        message: 'The license key field is required.',
        errors: { license_key: ['The license key field is required.'] },
      });
      expect(activate.status).toBe(422);
      expect(activate.body.message).toBe('The license key field is required. (and 1 more error)');
      expect(Object.keys(activate.body.errors)).toEqual(['license_key', 'instance_name']);
    });

    it('refuses a disabled key with 400, license_key and meta', async () => {
      // Prepare
      const { key } = double.addLicense({ ...product, status: 'disabled' });

      // Act
      const activate = await licenseCall('activate', { license_key: key, instance_name: 'x' });
      const validate = await licenseCall('validate', { license_key: key });

      // Assess
      expect(activate.status).toBe(400);
      expect(activate.body).toMatchObject({
        activated: false,
        error: 'This license key is disabled.',
        license_key: { status: 'disabled' },
        meta: { store_id: 11 },
      });
      expect(activate.body).not.toHaveProperty('instance');
      expect(validate.status).toBe(400);
      expect(validate.body).toMatchObject({ valid: false, instance: null });
    });

    it('reports a key past expires_at on its clock as expired', async () => {
      // Prepare
      const { key } = double.addLicense({ ...product, expiresAt: '2025-03-02T00:00:00Z' });
      const before = await licenseCall('validate', { license_key: key });
      clock.set('2025-03-03T00:00:00Z');

      // Act
      const { status, body } = await licenseCall('activate', {
        license_key: key,
        instance_name: 'x',
      });

      // Assess
      expect(before.status).toBe(200);
      expect(before.body.license_key.expires_at).toBe('2025-03-02T00:00:00.000000Z');
      expect(status).toBe(400);
      expect(body).toMatchObject({
        activated: false,
        error: 'This license key is expired.',
        license_key: { status: 'expired' },
        meta: { product_id: 22 },
      });
      expect(double.instances(key)).toEqual([]);
    });

    it('refuses activation once activation_usage reaches activation_limit', async () => {
      // Prepare
      const { key } = double.addLicense({ ...product, activationLimit: 1 });
      await licenseCall('activate', { license_key: key, instance_name: 'first' });

      // Act
      const { status, body } = await licenseCall('activate', {
        license_key: key,
        instance_name: 'x',
      });

      // Assess
      expect(status).toBe(400);
      expect(body).toMatchObject({
        activated: false,
        error: 'This license key has reached the activation limit.',
        license_key: { activation_limit: 1, activation_usage: 1 },
        meta: { variant_id: 33 },
      });
      expect(body).not.toHaveProperty('instance');
    });

    it('treats a null activation_limit as unlimited', async () => {
      // Prepare
      const { key } = double.addLicense({ ...product, activationLimit: null });

      // Act
      const answers = [];
      for (const name of ['a', 'b', 'c', 'd']) {
        answers.push(await licenseCall('activate', { license_key: key, instance_name: name }));
      }

      // Assess
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect(answers[3]?.body.license_key).toMatchObject({
        activation_limit: null,
        activation_usage: 4,
      });
    });

    it('validates without an instance_id with instance:null and consumes no seat', async () => {
      // Prepare
      const { key } = double.addLicense(product);

      // Act
      const { status, body } = await licenseCall('validate', { license_key: key });

      // Assess
      expect(status).toBe(200);
      expect(body).toMatchObject({
        valid: true,
        error: null,
        instance: null,
        license_key: { status: 'inactive', activation_usage: 0 },
      });
      expect(double.instances(key)).toEqual([]);
    });

    it('validates a known instance_id and answers 404 for an unknown one', async () => {
      // Prepare
      const { key } = double.addLicense(product);
      const activated = await licenseCall('activate', { license_key: key, instance_name: 'pc' });
      const instanceId: string = activated.body.instance.id;

      // Act
      const known = await licenseCall('validate', { license_key: key, instance_id: instanceId });
      const unknown = await licenseCall('validate', {
        license_key: key,
        instance_id: '00000000-0000-4000-8000-000000000000',
      });

      // Assess
      expect(known.status).toBe(200);
      expect(known.body.instance).toEqual(activated.body.instance);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ valid: false, error: 'instance_id not found.' });
      // Unlike an unknown key, an unknown instance still describes the key (docs/upstreams.md,
      // "Statuses and errors").
      expect(unknown.body.license_key).toMatchObject({ key, activation_usage: 1 });
      expect(unknown.body.meta).toMatchObject({ store_id: 11, product_id: 22, variant_id: 33 });
    });

    it('deactivates: usage goes down, status back to inactive, no instance key', async () => {
      // Prepare
      const { key } = double.addLicense(product);
      const activated = await licenseCall('activate', { license_key: key, instance_name: 'pc' });

      // Act
      const { status, body } = await licenseCall(
        'deactivate',
        { license_key: key, instance_id: activated.body.instance.id },
        true,
      );
      const again = await licenseCall('deactivate', {
        license_key: key,
        instance_id: activated.body.instance.id,
      });

      // Assess
      expect(status).toBe(200);
      expect(Object.keys(body)).toEqual(['deactivated', 'error', 'license_key', 'meta']);
      expect(body).toMatchObject({
        deactivated: true,
        error: null,
        license_key: { status: 'inactive', activation_usage: 0 },
      });
      expect(again.status).toBe(404);
      expect(again.body.error).toBe('instance_id not found.');
      expect(double.instances(key)).toEqual([]);
    });

    it('logs each License API call by the license it names, faulted ones included', async () => {
      // Prepare
      const { key } = double.addLicense(product);
      double.faults.inject('validate', { kind: 'status', status: 500 });

      // Act
      const faulted = await licenseCall('validate', { license_key: key });
      await licenseCall('validate', { license_key: key }, true);
      clock.advance(60_000);
      await licenseCall('activate', { license_key: key, instance_name: 'laptop' });
      await licenseCall('validate', { license_key: 'NOT-SOLD-0000' });

      // Assess
      expect(faulted.status).toBe(500);
      expect(double.licenseApiCalls(key).map((at) => at.toISOString())).toEqual([
        '2025-03-01T10:00:00.000Z',
        '2025-03-01T10:00:00.000Z',
        '2025-03-01T10:01:00.000Z',
      ]);
      expect(double.licenseApiCalls('NOT-SOLD-0000')).toHaveLength(1);
    });
  });
});

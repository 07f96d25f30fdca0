import { describe, expect, it } from 'vitest';
import { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import { licenseCallsTo } from '#test/helpers/license-api-calls.ts';
import { useDoubleOnClock } from '#test/helpers/sandbox-doubles.ts';

const API_KEY = 'ls-test-api-key';
const product = { storeId: 11, productId: 22, variantId: 33 };

interface JsonApiResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
}

interface JsonApiDocument<Data> {
  jsonapi: { version: string };
  links: { self: string };
  meta: { page: Record<string, number | null> };
  data: Data;
  errors: Array<{ status: string; title: string; detail: string }>;
}

const { double, clock, restart } = useDoubleOnClock('2025-03-01T10:00:00.000Z', (now) =>
  LemonSqueezyDouble.start({ apiKey: API_KEY, now }),
);
const licenseCall = licenseCallsTo(double);

describe('LemonSqueezyDouble', () => {
  describe('REST API', () => {
    async function rest<Data = JsonApiResource>(path: string, token = API_KEY) {
      const response = await fetch(`${double.url}${path}`, {
        headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` },
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: (await response.json()) as JsonApiDocument<Data>,
      };
    }

    it('answers 401 with a JSON:API error without the right bearer token', async () => {
      // Prepare
      const { subscriptionId } = double.addLicense({
        ...product,
        subscription: { status: 'active', renewsAt: '2025-04-01T10:00:00Z' },
      });

      // Act
      const { status, contentType, body } = await rest(`/v1/subscriptions/${subscriptionId}`, 'x');

      // Assess
      expect(status).toBe(401);
      expect(contentType).toBe('application/vnd.api+json');
      expect(body.errors[0]).toMatchObject({ status: '401', title: 'Unauthenticated' });
    });

    it('returns a subscription as a JSON:API document', async () => {
      // Prepare
      const seeded = double.addLicense({
        ...product,
        variantName: 'Monthly',
        subscription: { status: 'on_trial', renewsAt: '2025-03-15T10:00:00Z' },
      });

      // Act
      const { status, contentType, body } = await rest(
        `/v1/subscriptions/${seeded.subscriptionId}`,
      );

      // Assess
      expect(status).toBe(200);
      expect(contentType).toBe('application/vnd.api+json');
      expect(body.jsonapi).toEqual({ version: '1.0' });
      expect(body.links.self).toBe(`${double.url}/v1/subscriptions/${seeded.subscriptionId}`);
      expect(body.data).toMatchObject({
        type: 'subscriptions',
        id: String(seeded.subscriptionId),
        attributes: {
          store_id: 11,
          order_id: seeded.orderId,
          order_item_id: seeded.orderItemId,
          product_id: 22,
          variant_id: 33,
          variant_name: 'Monthly',
          status: 'on_trial',
          status_formatted: 'On Trial',
          cancelled: false,
          pause: null,
          trial_ends_at: '2025-03-15T10:00:00.000000Z',
          renews_at: '2025-03-15T10:00:00.000000Z',
          ends_at: null,
          test_mode: false,
        },
      });
    });

    it('answers 404 for an unknown subscription', async () => {
      // Act
      const { status, body } = await rest('/v1/subscriptions/999999');

      // Assess
      expect(status).toBe(404);
      expect(body.errors).toEqual([expect.objectContaining({ status: '404', title: 'Not Found' })]);
    });

    it('filters the subscription list by order_id', async () => {
      // Prepare
      const subscription = { status: 'active' as const, renewsAt: '2025-04-01T00:00:00Z' };
      double.addLicense({ ...product, subscription });
      const wanted = double.addLicense({ ...product, subscription });

      // Act
      const all = await rest<JsonApiResource[]>('/v1/subscriptions?filter[store_id]=11');
      const one = await rest<JsonApiResource[]>(
        `/v1/subscriptions?filter[order_id]=${wanted.orderId}`,
      );

      // Assess
      expect(all.body.data).toHaveLength(2);
      expect(one.body.data.map((item) => item.id)).toEqual([String(wanted.subscriptionId)]);
      expect(one.body.meta.page).toEqual({
        currentPage: 1,
        from: 1,
        lastPage: 1,
        perPage: 10,
        to: 1,
        total: 1,
      });
    });

    it('returns a license key with 0/1 disabled, key_short and instances_count', async () => {
      // Prepare
      const seeded = double.addLicense({ ...product, key: 'ABCD1234-0000-4000-8000-1234567890AB' });
      await licenseCall('activate', { license_key: seeded.key, instance_name: 'pc' });
      double.updateLicense(seeded.key, { status: 'disabled' });

      // Act
      const { status, body } = await rest(`/v1/license-keys/${seeded.id}`);

      // Assess
      expect(status).toBe(200);
      expect(body.data).toMatchObject({ type: 'license-keys', id: String(seeded.id) });
      expect(body.data.attributes).toMatchObject({
        key: seeded.key,
        key_short: 'XXXX-1234567890AB',
        instances_count: 1,
        activation_limit: 3,
        disabled: 1,
        status: 'disabled',
        status_formatted: 'Disabled',
        order_id: seeded.orderId,
      });
    });

    it("lists a key's instances by license_key_id and drops one deactivated through the License API", async () => {
      // Prepare
      const seeded = double.addLicense(product);
      const other = double.addLicense(product);
      const kept = await licenseCall('activate', { license_key: seeded.key, instance_name: 'pc' });
      const freed = await licenseCall('activate', {
        license_key: seeded.key,
        instance_name: 'mac',
      });
      await licenseCall('activate', { license_key: other.key, instance_name: 'pc' });
      const path = `/v1/license-key-instances?filter[license_key_id]=${seeded.id}`;
      const before = await rest<JsonApiResource[]>(path);

      // Act
      const deactivated = await licenseCall(
        'deactivate',
        { license_key: seeded.key, instance_id: freed.body.instance.id },
        true,
      );
      const after = await rest<JsonApiResource[]>(path);

      // Assess
      const identifiers = (list: { body: JsonApiDocument<JsonApiResource[]> }) =>
        list.body.data.map((entry) => entry.attributes.identifier);
      expect(identifiers(before)).toEqual([kept.body.instance.id, freed.body.instance.id]);
      expect(deactivated.body.license_key.activation_usage).toBe(1);
      expect(identifiers(after)).toEqual([kept.body.instance.id]);
      expect(after.body.data[0]?.attributes).toMatchObject({
        license_key_id: seeded.id,
        name: 'pc',
      });
      expect(after.body.meta.page.total).toBe(1);
    });

    it('expires the license key when its subscription expires', async () => {
      // Prepare
      const seeded = double.addLicense({
        ...product,
        subscription: { status: 'active', renewsAt: '2025-04-01T00:00:00Z' },
      });

      // Act
      double.updateSubscription(seeded.subscriptionId ?? 0, { status: 'expired' });
      const { status, body } = await licenseCall('validate', { license_key: seeded.key });

      // Assess
      expect(status).toBe(400);
      expect(body.license_key.status).toBe('expired');
    });
  });

  describe('rate limit and counters', () => {
    it('answers 429 in the Laravel shape past rateLimitPerMinute, per rolling minute', async () => {
      // Prepare
      await restart((now) =>
        LemonSqueezyDouble.start({ apiKey: API_KEY, now, rateLimitPerMinute: 2 }),
      );
      const { key } = double.addLicense(product);
      await licenseCall('validate', { license_key: key });
      await licenseCall('validate', { license_key: key });

      // Act
      const limited = await licenseCall('validate', { license_key: key });
      clock.advance(60_001);
      const later = await licenseCall('validate', { license_key: key });

      // Assess
      expect(limited).toEqual({ status: 429, body: { message: 'Too Many Attempts.' } });
      expect(later.status).toBe(200);
    });

    it('counts every request that reached a route, faulted ones included', async () => {
      // Prepare
      const { key } = double.addLicense(product);
      double.faults.inject('validate', { kind: 'status', status: 503 });

      // Act
      await licenseCall('validate', { license_key: key });
      await licenseCall('validate', { license_key: key });
      const counted = double.callCount('validate');
      double.resetCounts();

      // Assess
      expect(counted).toBe(2);
      expect(double.callCount('validate')).toBe(0);
      expect(double.callCount('activate')).toBe(0);
    });
  });
});

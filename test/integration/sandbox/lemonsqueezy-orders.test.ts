import { describe, expect, it } from 'vitest';
import { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import { useDoubleOnClock } from '#test/helpers/sandbox-doubles.ts';

const API_KEY = 'ls-test-api-key';
const product = { storeId: 11, productId: 22, variantId: 33 };

const { double, clock } = useDoubleOnClock('2025-03-01T10:00:00.000Z', (now) =>
  LemonSqueezyDouble.start({ apiKey: API_KEY, now }),
);

// biome-ignore lint/suspicious/noExplicitAny: JSON:API documents, read field by field.
type Json = any;

async function rest(path: string, token = API_KEY) {
  const response = await fetch(`${double.url}${path}`, {
    headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: (await response.json()) as Json,
  };
}

describe('LemonSqueezyDouble: orders (REST)', () => {
  it('returns the order that sold a key as a JSON:API document, paid and not refunded', async () => {
    // Prepare
    const seeded = double.addLicense({ ...product, customerEmail: 'ann@example.com' });

    // Act
    const { status, headers, body } = await rest(`/v1/orders/${seeded.orderId}`);

    // Assess
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('application/vnd.api+json');
    expect(body.links.self).toBe(`${double.url}/v1/orders/${seeded.orderId}`);
    expect(body.data).toMatchObject({
      type: 'orders',
      id: String(seeded.orderId),
      attributes: {
        store_id: 11,
        user_email: 'ann@example.com',
        status: 'paid',
        status_formatted: 'Paid',
        refunded: false,
        refunded_at: null,
        refunded_amount: 0,
        first_order_item: { id: seeded.orderItemId, order_id: seeded.orderId, product_id: 22 },
        created_at: '2025-03-01T10:00:00.000000Z',
        updated_at: '2025-03-01T10:00:00.000000Z',
        test_mode: false,
      },
    });
    expect(Object.keys(body.data.relationships)).toContain('license-keys');
  });

  it('shows a full refund (refunded, refunded_at, updated_at) and keeps a partial one paid', async () => {
    // Prepare
    const full = double.addLicense(product);
    const partial = double.addLicense(product);
    clock.advance(3_600_000);

    // Act
    double.refundOrder(full.orderId);
    double.refundOrder(partial.orderId, 300);
    const [fullOrder, partialOrder] = await Promise.all([
      rest(`/v1/orders/${full.orderId}`),
      rest(`/v1/orders/${partial.orderId}`),
    ]);

    // Assess
    expect(fullOrder.body.data.attributes).toMatchObject({
      status: 'refunded',
      refunded: true,
      refunded_at: '2025-03-01T11:00:00.000000Z',
      updated_at: '2025-03-01T11:00:00.000000Z',
      refunded_amount: 900,
    });
    expect(partialOrder.body.data.attributes).toMatchObject({
      status: 'paid',
      refunded: false,
      refunded_at: null,
      refunded_amount: 300,
      refunded_amount_formatted: '$3.00',
    });
  });

  it.each([
    ['an unknown order id', '/v1/orders/999999', API_KEY, 404, 'Not Found'],
    ['an id that is no number', '/v1/orders/abc', API_KEY, 404, 'Not Found'],
    ['the wrong API key', '/v1/orders/1', 'wrong', 401, 'Unauthenticated'],
  ])('answers %s with a JSON:API error (%s)', async (_label, path, token, status, title) => {
    // Act
    const answer = await rest(path, token);

    // Assess
    expect(answer.status).toBe(status);
    expect(answer.body.errors[0]).toMatchObject({ status: String(status), title });
  });

  it('answers a throttled request 429 with Retry-After and the REST limit', async () => {
    // Prepare
    const seeded = double.addLicense(product);
    double.faults.inject('orders', { kind: 'status', status: 429 });

    // Act
    const throttled = await rest(`/v1/orders/${seeded.orderId}`);
    const next = await rest(`/v1/orders/${seeded.orderId}`);

    // Assess
    expect(throttled.status).toBe(429);
    expect(throttled.headers).toMatchObject({
      'retry-after': '60',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '0',
    });
    expect(throttled.body).toEqual({ message: 'Too Many Attempts.' });
    expect(next.status).toBe(200);
  });

  it('lists a store’s orders newest first, a page at a time, with links.next while there are more', async () => {
    // Prepare: three orders of store 12, a minute apart, and one of another store.
    const orders = [];
    for (let index = 0; index < 3; index += 1) {
      orders.push(double.addLicense({ ...product, storeId: 12 }).orderId);
      clock.advance(60_000);
    }
    double.addLicense(product);

    // Act
    const first = await rest('/v1/orders?filter[store_id]=12&page[size]=2');
    const second = await rest('/v1/orders?filter[store_id]=12&page[size]=2&page[number]=2');

    // Assess
    expect(first.body.data.map((order: Json) => Number(order.id))).toEqual([orders[2], orders[1]]);
    expect(first.body.meta.page).toMatchObject({
      currentPage: 1,
      lastPage: 2,
      perPage: 2,
      total: 3,
    });
    expect(first.body.links.next).toContain('page%5Bnumber%5D=2');
    expect(second.body.data.map((order: Json) => Number(order.id))).toEqual([orders[0]]);
    expect(second.body.links.next).toBeUndefined();
  });
});

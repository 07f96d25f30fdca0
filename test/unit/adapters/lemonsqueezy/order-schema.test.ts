import { describe, expect, it } from 'vitest';
import { orderDocumentSchema } from '#adapters/lemonsqueezy/schemas.ts';

/** `GET /v1/orders/:id` as LemonSqueezy documents it (trimmed to what the schema reads and more). */
function orderDocument(attributes: Record<string, unknown> = {}, id: unknown = '1') {
  return {
    jsonapi: { version: '1.0' },
    links: { self: 'https://api.lemonsqueezy.com/v1/orders/1' },
    data: {
      type: 'orders',
      id,
      attributes: {
        store_id: 1,
        order_number: 1,
        total: 1199,
        refunded_amount: 0,
        status: 'paid',
        status_formatted: 'Paid',
        refunded: false,
        refunded_at: null,
        created_at: '2021-08-11T13:47:27.000000Z',
        updated_at: '2021-08-11T13:47:27.000000Z',
        test_mode: false,
        ...attributes,
      },
    },
  };
}

describe('orderDocumentSchema', () => {
  it.each([
    ['a paid order', {}, { refunded: false, refunded_at: null }],
    [
      'a full refund',
      { status: 'refunded', refunded: true, refunded_at: '2021-09-01T08:00:00.000000Z' },
      { status: 'refunded', refunded: true, refunded_at: '2021-09-01T08:00:00.000Z' },
    ],
    ['refunded as 0/1', { refunded: 1 }, { refunded: 1 }],
    ['refunded and test_mode as null', { refunded: null, test_mode: null }, { refunded: null }],
  ])('reads %s', (_label, attributes, expected) => {
    // Act
    const parsed = orderDocumentSchema.safeParse(orderDocument(attributes));

    // Assess
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.data.id).toBe(1);
    expect(parsed.data?.data.attributes).toMatchObject({
      ...expected,
      updated_at: '2021-08-11T13:47:27.000Z',
    });
  });

  it.each([
    [
      'another resource type',
      { ...orderDocument(), data: { ...orderDocument().data, type: 'subscriptions' } },
    ],
    ['an id that is no number', orderDocument({}, 'abc')],
    ['no updated_at', orderDocument({ updated_at: null })],
    ['a date that is no date', orderDocument({ refunded_at: 'yesterday' })],
  ])('refuses %s', (_label, document) => {
    // Act
    const parsed = orderDocumentSchema.safeParse(document);

    // Assess
    expect(parsed.success).toBe(false);
  });
});

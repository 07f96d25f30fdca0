import type { JsonReply } from './http-io.ts';
import { lsTime, lsTimeOrNull, type OrderRecord } from './lemonsqueezy-records.ts';
import {
  formatted,
  listDocument,
  resourceDocument,
  resourceObject,
} from './lemonsqueezy-rest-api.ts';
import type { LemonSqueezyStore } from './lemonsqueezy-store.ts';

/** `$9.00` from cents, as the `*_formatted` attributes show amounts. */
const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

// Filters the orders list accepts (LemonSqueezy's "List all orders"), each read off the order.
const ORDER_FILTERS: Record<string, (order: OrderRecord) => string | number> = {
  store_id: (order) => order.storeId,
  user_email: (order) => order.userEmail,
  order_number: (order) => order.orderNumber,
};

/** `sort=-createdAt`: newest first, the higher id first between orders made the same instant. */
const newestFirst = (a: OrderRecord, b: OrderRecord) =>
  b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;

/**
 * The REST API's orders (`GET /v1/orders/:id`, `GET /v1/orders`), in the shape of LemonSqueezy's
 * "Retrieve an order" and "List all orders": JSON:API documents, an unknown id a JSON:API 404,
 * the list newest first (`sort=-createdAt` in its links), 10 a page unless `page[size]` (at most
 * 100) says otherwise, `links.next` while there is a next page.
 */
export class OrderApi {
  /** `base` gives the double's own URL, for the documents' links. */
  constructor(
    private readonly store: LemonSqueezyStore,
    private readonly base: () => string,
  ) {}

  getOrder(id: string): JsonReply {
    const order = /^\d+$/.test(id) ? this.store.order(Number(id)) : undefined;
    return resourceDocument(order, 'order', (record) => this.#resource(record));
  }

  listOrders(query: URLSearchParams): JsonReply {
    const link = (number: number, perPage: number) =>
      `${this.base()}/v1/orders?page%5Bnumber%5D=${number}&page%5Bsize%5D=${perPage}&sort=-createdAt`;
    return listDocument(this.store.orders(), query, {
      filters: ORDER_FILTERS,
      order: newestFirst,
      links: ({ currentPage, lastPage, perPage }) => ({
        first: link(1, perPage),
        last: link(lastPage, perPage),
        ...(currentPage > 1 ? { prev: link(currentPage - 1, perPage) } : {}),
        ...(currentPage < lastPage ? { next: link(currentPage + 1, perPage) } : {}),
      }),
      resource: (record) => this.#resource(record),
    });
  }

  #resource(order: OrderRecord) {
    const item = order.firstItem;
    const money = (name: string, cents: number) => ({
      [name]: cents,
      [`${name}_usd`]: cents,
      [`${name}_formatted`]: dollars(cents),
    });
    const attributes = {
      store_id: order.storeId,
      customer_id: order.customerId,
      identifier: order.identifier,
      order_number: order.orderNumber,
      user_name: order.userName ?? '',
      user_email: order.userEmail,
      currency: 'USD',
      currency_rate: '1.0000',
      tax_name: null,
      tax_rate: '0.00',
      tax_inclusive: false,
      ...money('subtotal', order.total),
      ...money('setup_fee', 0),
      ...money('discount_total', 0),
      ...money('tax', 0),
      ...money('total', order.total),
      ...money('refunded_amount', order.refundedAmount),
      status: order.status,
      status_formatted: formatted(order.status),
      refunded: order.refunded,
      refunded_at: lsTimeOrNull(order.refundedAt),
      first_order_item: {
        id: item.orderItemId,
        order_id: order.id,
        product_id: item.productId,
        variant_id: item.variantId,
        product_name: item.productName,
        variant_name: item.variantName,
        price: order.total,
        created_at: lsTime(order.createdAt),
        updated_at: lsTime(order.createdAt),
        test_mode: order.testMode,
      },
      urls: { receipt: `${this.base()}/my-orders/${order.identifier}` },
      created_at: lsTime(order.createdAt),
      updated_at: lsTime(order.updatedAt),
      test_mode: order.testMode,
    };
    const related = ['store', 'customer', 'order-items', 'subscriptions', 'license-keys'];
    return resourceObject(this.base(), 'orders', order.id, attributes, [
      ...related,
      'discount-redemptions',
    ]);
  }
}

import type { ProviderLicense } from './license.ts';
import type { Subscription } from './subscription.ts';

/** How a subscription payment went, as its `subscription_payment_*` event names it. */
export type PaymentOutcome = 'success' | 'recovered' | 'failed' | 'refunded';

/** What every handled event says of where it comes from; the service ignores other stores. */
interface EventSource {
  /** LemonSqueezy's event name, for the logs. */
  name: string;
  storeId: number;
  /** Set when the event or its subject says test mode. */
  testMode: boolean;
}

/** `license_key_created` / `license_key_updated`: LemonSqueezy's facts about one key. */
export interface LicenseKeyEvent extends EventSource {
  kind: 'license-key';
  licenseKey: string;
  /** The license-key object names no variant: the service decides which one stands in. */
  license: Omit<ProviderLicense, 'variantId'>;
  updatedAt: string;
}

/** `subscription_*` lifecycle events: the subscription and what its order item sold. */
export interface SubscriptionEvent extends EventSource {
  kind: 'subscription';
  subscription: Subscription;
  orderId: number;
  orderItemId: number;
  productId: number;
  variantId: number;
  updatedAt: string;
}

/** `subscription_payment_*` events: an invoice of a subscription. */
export interface PaymentEvent extends EventSource {
  kind: 'payment';
  subscriptionId: number;
  /** Only recorded, never used as a number or a key. */
  invoiceId: string;
  outcome: PaymentOutcome;
  at: string;
  /** When the invoice was billed (`created_at`; its `updated_at` when absent). */
  billedAt: string;
  /** A `refunded` invoice refunded in full (a partial refund leaves it `partial_refund`). */
  fullRefund: boolean;
}

/** `order_refunded`: a partial refund leaves the order paid, so it is told apart here. */
export interface OrderRefundEvent extends EventSource {
  kind: 'order-refund';
  orderId: number;
  fullRefund: boolean;
  refundedAt: string;
}

/** Any other event (order_created, customer_updated, …): acknowledged, nothing to keep in step. */
export interface UnhandledEvent {
  kind: 'unhandled';
  name: string;
  type: string;
}

/** A verified LemonSqueezy event in domain terms; every date is ISO-8601 UTC. */
export type WebhookEvent =
  | LicenseKeyEvent
  | SubscriptionEvent
  | PaymentEvent
  | OrderRefundEvent
  | UnhandledEvent;

export type HandledEvent = Exclude<WebhookEvent, UnhandledEvent>;

/**
 * One verified delivery: the event plus `deliveryId`, the hex SHA-256 of the signed raw bytes.
 * LemonSqueezy sends no event id, and a retry is byte-identical, so the bytes are the only key
 * that tells a redelivery from a different event stamped with the same second.
 */
export interface WebhookDelivery {
  deliveryId: string;
  event: WebhookEvent;
}

import { SANDBOX_SECRETS } from './local-stack.ts';
import type { WebhookBody } from './webhook-sender.ts';

/** What the sandbox LemonSqueezy holds of one license: the ids and customer its events carry. */
export interface SandboxLicenseFacts {
  licenseId: number;
  key: string;
  storeId: number;
  customerId: number;
  customerName: string;
  customerEmail: string;
  orderId: number;
  orderItemId: number;
  productId: number;
  variantId: number;
  /** Its devices (seats taken) now. */
  activationUsage: number;
  /** Absent for a license sold without a subscription (a lifetime plan). */
  subscriptionId?: number;
}

/**
 * Reads a license's facts from the sandbox LemonSqueezy as our service would: the License API's
 * validate without an instance (reads the key, takes no seat) for the key, order and customer;
 * the REST API's subscriptions by order for the subscription. Undefined for a key it does not hold.
 */
export async function sandboxLicenseFacts(
  lemonSqueezyUrl: string,
  licenseKey: string,
): Promise<SandboxLicenseFacts | undefined> {
  const validated = await fetch(`${lemonSqueezyUrl}/v1/licenses/validate`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ license_key: licenseKey }),
  });
  // A disabled or expired key answers 400 and still names its order and customer.
  // biome-ignore lint/suspicious/noExplicitAny: the License API's answer, read field by field.
  const answer = (await validated.json()) as any;
  const { license_key: key, meta } = answer ?? {};
  if (!key || !meta) return undefined;
  const listed = await fetch(
    `${lemonSqueezyUrl}/v1/subscriptions?filter[order_id]=${encodeURIComponent(meta.order_id)}`,
    {
      headers: {
        accept: 'application/vnd.api+json',
        authorization: `Bearer ${SANDBOX_SECRETS.LEMONSQUEEZY_API_KEY}`,
      },
    },
  );
  // biome-ignore lint/suspicious/noExplicitAny: a JSON:API list, read for its first id.
  const subscriptions = (await listed.json()) as any;
  const subscriptionId = Number(subscriptions?.data?.[0]?.id);
  return {
    licenseId: Number(key.id),
    key: String(key.key),
    storeId: meta.store_id,
    customerId: meta.customer_id,
    customerName: meta.customer_name,
    customerEmail: meta.customer_email,
    orderId: meta.order_id,
    orderItemId: meta.order_item_id,
    productId: meta.product_id,
    variantId: meta.variant_id,
    activationUsage: key.activation_usage,
    ...(Number.isFinite(subscriptionId) ? { subscriptionId } : {}),
  };
}

/**
 * Points a fixture event at the license `facts` describe, as LemonSqueezy would send it for that
 * license: its ids, order, product, customer and seats taken (only fields the event has). What
 * the event says happened (status, dates, amounts) stays the fixture's, for `--set` to change. Throws when the
 * event is about a subscription and the license has none.
 */
export function pointAtLicense(body: WebhookBody, facts: SandboxLicenseFacts): WebhookBody {
  const attributes = body.data.attributes;
  const set = (field: string, value: unknown) => {
    if (Object.hasOwn(attributes, field)) attributes[field] = value;
  };
  set('store_id', facts.storeId);
  set('customer_id', facts.customerId);
  set('user_name', facts.customerName);
  set('user_email', facts.customerEmail);
  const subscriptionId = () => {
    if (facts.subscriptionId === undefined) {
      throw new Error(`license ${facts.key} has no subscription: pick a license_key_* fixture`);
    }
    return facts.subscriptionId;
  };
  switch (body.data.type) {
    case 'license-keys':
      body.data.id = String(facts.licenseId);
      set('key', facts.key);
      set('key_short', `XXXX-${facts.key.slice(-12)}`);
      set('order_id', facts.orderId);
      set('order_item_id', facts.orderItemId);
      set('product_id', facts.productId);
      set('instances_count', facts.activationUsage);
      break;
    case 'subscriptions':
      body.data.id = String(subscriptionId());
      set('order_id', facts.orderId);
      set('order_item_id', facts.orderItemId);
      set('product_id', facts.productId);
      set('variant_id', facts.variantId);
      break;
    case 'subscription-invoices':
      set('subscription_id', subscriptionId());
      break;
    case 'orders':
      body.data.id = String(facts.orderId);
      if (attributes.first_order_item) {
        Object.assign(attributes.first_order_item, {
          id: facts.orderItemId,
          order_id: facts.orderId,
          product_id: facts.productId,
          variant_id: facts.variantId,
        });
      }
      break;
  }
  return body;
}

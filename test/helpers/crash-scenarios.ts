import { randomUUID } from 'node:crypto';
import { productsConfig } from '#config/products.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { DAY, HOUR, MINUTE, SECOND } from '#local/manual-clock.ts';
import type { SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import { loadWebhookFixture, setPath, signWebhook } from '#local/webhook-sender.ts';
import type { CrashChild } from '#test/helpers/crash-child-process.ts';
import type { CrashWorld } from '#test/helpers/crash-stack.ts';
import { deviceId, type HttpResult, PLANS } from '#test/helpers/test-stack.ts';

/** The request a scenario crashes, sent again, byte for byte, as the client's retry. */
export interface CrashRequest {
  path: string;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a scenario set up and what its retry must answer. */
export interface Prepared {
  request: CrashRequest;
  /** The license at LemonSqueezy (none for a trial: the service makes its key). */
  license?: SeededLicense;
  /** The credit of one period of the license (I1). */
  credit: number;
  /** The retry's answer: its status and `status` (or webhook `outcome`), one of `access`. */
  expected: { status: number; access: readonly string[] };
  /** For a trial: the address and device the trial is claimed by. */
  trial?: { email: string; device: string };
}

export interface Scenario {
  name: string;
  /** Whether the route takes an `Idempotency-Key` (the client may send one, or not). */
  idempotent: boolean;
  /** Sets the scene through `child` (nothing crashes yet) and says what request to crash. */
  prepare(world: CrashWorld, child: CrashChild): Promise<Prepared>;
}

const SAAS_CREDIT = PLANS.saas.credits;
const TRIAL_CREDIT = productsConfig.trial.credits_usd;

/** A SaaS license with an active subscription renewing `renewsIn` from now (default 20 days). */
function saasLicense(world: CrashWorld, renewsIn = 20 * DAY): SeededLicense {
  const { storeId, productId, variantId } = PLANS.saas;
  return world.lemonSqueezy.addLicense({
    storeId,
    productId,
    variantId,
    customerName: 'Jane Doe',
    customerEmail: 'jane@example.com',
    activationLimit: 3,
    subscription: {
      status: 'active',
      renewsAt: new Date(world.now().getTime() + renewsIn).toISOString(),
    },
  });
}

const activateRequest = (license: SeededLicense, device = deviceId()): CrashRequest => ({
  path: '/v1/activate',
  body: { instanceName: device, licenseKey: license.key },
});

async function sent(child: CrashChild, request: CrashRequest): Promise<HttpResult> {
  const result = await child.post(request.path, request.body, request.headers);
  if (result.status !== 200) throw new Error(`${request.path} failed: ${result.text}`);
  return result;
}

/** A fixture event about `license`, stamped `updated_at` = the world's time, signed as sent. */
function webhookRequest(
  world: CrashWorld,
  name: string,
  license: SeededLicense,
  overrides: Record<string, unknown>,
): CrashRequest {
  const body = loadWebhookFixture(name);
  const attributes = body.data.attributes;
  if (body.data.type === 'license-keys') {
    body.data.id = String(license.id);
    attributes.key = license.key;
  } else {
    body.data.id = String(license.subscriptionId);
  }
  attributes.order_id = license.orderId;
  attributes.order_item_id = license.orderItemId;
  attributes.updated_at = world.now().toISOString();
  for (const [path, value] of Object.entries(overrides)) setPath(body, path, value);
  const raw = JSON.stringify(body);
  return {
    path: '/v1/webhook',
    body: raw,
    headers: {
      'x-event-name': name,
      'x-signature': signWebhook(raw, SANDBOX_SECRETS.WEBHOOK_SECRET),
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'trial',
    idempotent: true,
    async prepare() {
      // As the shipped client sends it: no name.
      const trial = { email: `${randomUUID()}@example.com`, device: deviceId() };
      return {
        request: { path: '/v1/trial', body: { instanceName: trial.device, email: trial.email } },
        credit: TRIAL_CREDIT,
        expected: { status: 200, access: ['trial'] },
        trial,
      };
    },
  },
  {
    name: 'first activation',
    idempotent: true,
    async prepare(world) {
      const license = saasLicense(world);
      return {
        request: activateRequest(license),
        license,
        credit: SAAS_CREDIT,
        expected: { status: 200, access: ['active'] },
      };
    },
  },
  {
    name: 'another device',
    idempotent: true,
    async prepare(world, child) {
      const license = saasLicense(world);
      await sent(child, activateRequest(license));
      return {
        request: activateRequest(license),
        license,
        credit: SAAS_CREDIT,
        expected: { status: 200, access: ['active'] },
      };
    },
  },
  {
    // The period ends and LemonSqueezy renews (its webhook told us before the end): the first
    // validate of the new period installs the new period's key and retires the old one.
    name: 'validate, key rotation',
    idempotent: false,
    async prepare(world, child) {
      const license = saasLicense(world, HOUR);
      await sent(child, activateRequest(license));
      await world.advance(5 * SECOND);
      const renewsAt = new Date(world.now().getTime() + 30 * DAY).toISOString();
      world.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { renewsAt });
      await sent(
        child,
        webhookRequest(world, 'subscription_updated', license, {
          'data.attributes.renews_at': renewsAt,
        }),
      );
      await world.advance(HOUR + MINUTE);
      return {
        request: { path: '/v1/validate', body: { licenseKey: license.key } },
        license,
        credit: SAAS_CREDIT,
        expected: { status: 200, access: ['active'] },
      };
    },
  },
  {
    name: 'deactivate',
    idempotent: true,
    async prepare(world, child) {
      const license = saasLicense(world);
      const activated = await sent(child, activateRequest(license));
      return {
        request: {
          path: '/v1/deactivate',
          body: { licenseKey: license.key, instanceId: activated.body.instanceId },
        },
        license,
        credit: SAAS_CREDIT,
        expected: { status: 200, access: ['deactivated'] },
      };
    },
  },
  {
    // LemonSqueezy disables the key and tells us; the retry is its redelivery (same bytes).
    name: 'webhook disables',
    idempotent: false,
    async prepare(world, child) {
      const license = saasLicense(world);
      await sent(child, activateRequest(license));
      await world.advance(2 * SECOND);
      world.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
      return {
        request: webhookRequest(world, 'license_key_updated', license, {
          'data.attributes.status': 'disabled',
          'data.attributes.disabled': 1,
          'data.attributes.instances_count': 1,
        }),
        license,
        credit: SAAS_CREDIT,
        expected: { status: 200, access: ['applied', 'duplicate'] },
      };
    },
  },
];

import { createHash } from 'node:crypto';
import { addPeriods } from '#domain/period.ts';
import { DAY, HOUR, MINUTE } from '#local/manual-clock.ts';
import type { LicenseSeed, SeededLicense } from '#local/sandbox/lemonsqueezy-double.ts';
import { loadWebhookFixture, setPath, type WebhookBody } from '#local/webhook-sender.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { DEFAULT_RECONCILE_OPTIONS, reconcileLicenses } from '#services/reconcile-licenses.ts';
import { DEFAULT_RELEASE_OPTIONS, releaseIdleDevices } from '#services/release-idle-devices.ts';
import { STORY_PLANS, type StoryStack } from './story-stack.ts';

/** What the story did that a reader of its table needs: keys, devices, requests it sent. */
export interface StoryHandles {
  trial: { key: string; device: string; email: string };
  /** `devices`: still active at the end; `deactivated`: freed by the story. */
  saas: { key: string; devices: string[]; deactivated: string };
  byok: { key: string; device: string };
  /** A key LemonSqueezy does not hold: its refusal is remembered. */
  unknownKey: string;
  /** The last request sent with an `Idempotency-Key` (a deactivation), byte for byte. */
  keyedRequest: KeyedRequest;
  /** The first one (an activation), whose stored answer has expired by the story's end. */
  expiredKeyedRequest: KeyedRequest;
  /** Every webhook body delivered, byte for byte, in order. */
  webhooks: string[];
}

export interface KeyedRequest {
  path: string;
  key: string;
  body: string;
}

/** A license seeded at the LemonSqueezy double: what it was seeded with and the ids it got. */
export interface SeedRecord {
  seed: LicenseSeed;
  seeded: SeededLicense;
}

/** A device id shaped like RAVN Mail's (64 hex), the same for a label on every run. */
const device = (label: string) => createHash('sha256').update(`compat-${label}`).digest('hex');

/**
 * The scripted story both releases run (scripts/compat-fixture.ts on the tagged one, the reverse
 * compatibility test on today's): a trial; a SaaS license on two devices (the first activation
 * sent with an `Idempotency-Key`) and a BYOK one; payment and subscription
 * webhooks; validates with and without a device; the subscription renewed and its next period's
 * key issued (the ended period's credit record kept); the reaper's sweeps and the reconciler;
 * last, a deactivation sent with an `Idempotency-Key` and an activation of an unknown key. Rate-limit counters and audit records are
 * written on the way.
 */
export async function runStory(stack: StoryStack) {
  const seeds: SeedRecord[] = [];
  const webhooks: string[] = [];
  const must = async (label: string, pending: Promise<{ status: number; text: string }>) => {
    const response = await pending;
    if (response.status !== 200) throw new Error(`${label}: ${response.status} ${response.text}`);
    return response;
  };
  const seedLicense = (plan: 'saas' | 'byok', overrides: Partial<LicenseSeed>) => {
    const seed: LicenseSeed = { ...STORY_PLANS[plan], customerName: 'Compat Buyer', ...overrides };
    const seeded = stack.lemonSqueezy.addLicense(seed);
    seeds.push({ seed, seeded });
    return seeded;
  };
  const deliver = async (body: WebhookBody) => {
    const raw = JSON.stringify(body);
    webhooks.push(raw);
    await must(`webhook ${body.meta.event_name}`, stack.deliver(raw));
  };
  const now = () => stack.clock.now().toISOString();
  const sendKeyed = (label: string, request: KeyedRequest) =>
    must(label, stack.post(request.path, request.body, { 'idempotency-key': request.key }));

  // 1. A trial.
  const trial = { device: device('trial'), email: 'trial.user@example.com' };
  const started = await must(
    'trial',
    stack.post('/v1/trial', { instanceName: trial.device, email: trial.email }),
  );
  const trialKey = String(JSON.parse(started.text).licenseKey);

  // 2. A SaaS license on two devices, the first activation sent with an Idempotency-Key; a BYOK one.
  const renewsAt = new Date(stack.clock.now().getTime() + 20 * DAY).toISOString();
  const saas = seedLicense('saas', {
    customerEmail: 'saas.buyer@example.com',
    subscription: { status: 'active', renewsAt },
  });
  const [first, second] = [device('saas-1'), device('saas-2')];
  const expiredKeyedRequest = {
    path: '/v1/activate',
    key: 'compat-activate-1',
    body: JSON.stringify({ instanceName: first, licenseKey: saas.key }),
  };
  await sendKeyed('keyed activation', expiredKeyedRequest);
  await must(
    'second activation',
    stack.post('/v1/activate', { instanceName: second, licenseKey: saas.key }),
  );
  const byok = seedLicense('byok', { customerEmail: 'byok.buyer@example.com' });
  const byokDevice = device('byok-1');
  await must(
    'byok activation',
    stack.post('/v1/activate', { instanceName: byokDevice, licenseKey: byok.key }),
  );

  // 3. Webhooks; validates with a device and without one.
  stack.clock.advance(HOUR);
  await deliver(paymentEvent(saas, 'invoice-1', now()));
  await deliver(subscriptionEvent(stack, saas, 'subscription_updated', 'updated-1'));
  stack.clock.advance(HOUR);
  await must(
    'validate saas',
    stack.post('/v1/validate', { licenseKey: saas.key, instanceName: first }),
  );
  await must('validate saas, no device', stack.post('/v1/validate', { licenseKey: saas.key }));
  await must(
    'validate byok',
    stack.post('/v1/validate', { licenseKey: byok.key, instanceName: byokDevice }),
  );
  await must(
    'validate trial',
    stack.post('/v1/validate', { licenseKey: trialKey, instanceName: trial.device }),
  );

  // 4. The subscription renews: paid at LemonSqueezy, told by webhook, the next period's key issued.
  stack.clock.set(new Date(Date.parse(renewsAt) + HOUR));
  const nextRenewal = addPeriods(new Date(renewsAt), 'monthly', 1).toISOString();
  stack.lemonSqueezy.updateSubscription(saas.subscriptionId ?? 0, {
    status: 'active',
    renewsAt: nextRenewal,
  });
  await deliver(paymentEvent(saas, 'invoice-2', renewsAt));
  await deliver(subscriptionEvent(stack, saas, 'subscription_updated', 'updated-2'));
  await must(
    'validate saas, next period',
    stack.post('/v1/validate', { licenseKey: saas.key, instanceName: first }),
  );
  await must(
    'validate trial again',
    stack.post('/v1/validate', { licenseKey: trialKey, instanceName: trial.device }),
  );

  // 5. The scheduled jobs, two days on: the reaper's sweeps, then the reconciler.
  stack.clock.advance(2 * DAY);
  await reapOrphanKeys(stack.deps, { ...DEFAULT_REAP_OPTIONS, minAgeMs: MINUTE });
  await releaseIdleDevices(stack.deps, { ...DEFAULT_RELEASE_OPTIONS, spacingMs: 0 });
  await reconcileLicenses(stack.deps, {
    ...DEFAULT_RECONCILE_OPTIONS,
    spacingMs: 0,
    orderSpacingMs: 0,
  });

  // 6. A deactivation sent with an Idempotency-Key, and a key LemonSqueezy does not hold: their
  // stored answer and refusal outlive the story.
  const keyedRequest = {
    path: '/v1/deactivate',
    key: 'compat-deactivate-2',
    body: JSON.stringify({ licenseKey: saas.key, instanceName: second }),
  };
  await sendKeyed('keyed deactivation', keyedRequest);
  const unknownKey = '00000000-0000-4000-8000-00000000C0DE';
  await stack.post('/v1/activate', { licenseKey: unknownKey, instanceName: first });

  const handles: StoryHandles = {
    trial: { key: trialKey, ...trial },
    saas: { key: saas.key, devices: [first], deactivated: second },
    byok: { key: byok.key, device: byokDevice },
    unknownKey,
    keyedRequest,
    expiredKeyedRequest,
    webhooks,
  };
  return { handles, seeds };
}

/** A `subscription_payment_success` of the license's subscription, billed at `billedAt`. */
function paymentEvent(license: SeededLicense, invoiceId: string, billedAt: string): WebhookBody {
  const body = loadWebhookFixture('subscription_payment_success');
  setPath(body, 'meta.webhook_id', `compat-${invoiceId}`);
  setPath(body, 'data.id', invoiceId);
  setPath(body, 'data.attributes.subscription_id', license.subscriptionId);
  setPath(body, 'data.attributes.created_at', billedAt);
  setPath(body, 'data.attributes.updated_at', billedAt);
  setPath(body, 'data.attributes.status', 'paid');
  return body;
}

/** A subscription event saying what the double holds for the license's subscription now. */
function subscriptionEvent(
  stack: StoryStack,
  license: SeededLicense,
  name: string,
  webhookId: string,
): WebhookBody {
  const truth = stack.lemonSqueezy.snapshot(license.key).subscription;
  if (!truth) throw new Error('the story seeded this license without a subscription');
  const body = loadWebhookFixture(name);
  const values: Record<string, unknown> = {
    'meta.webhook_id': `compat-${webhookId}`,
    'data.id': String(license.subscriptionId),
    'data.attributes.order_id': license.orderId,
    'data.attributes.order_item_id': license.orderItemId,
    'data.attributes.updated_at': stack.clock.now().toISOString(),
    'data.attributes.status': truth.status,
    'data.attributes.renews_at': truth.renewsAt,
    'data.attributes.ends_at': truth.endsAt,
    'data.attributes.trial_ends_at': truth.trialEndsAt,
    'data.attributes.pause': null,
  };
  for (const [path, value] of Object.entries(values)) setPath(body, path, value);
  return body;
}

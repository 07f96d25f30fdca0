import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { InvalidRequestError, UpstreamError } from '#domain/errors.ts';
import {
  invoiceAttributesSchema,
  licenseKeyAttributesSchema,
  orderAttributesSchema,
  subscriptionAttributesSchema,
  type WebhookEnvelope,
} from '#schemas/webhook.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { applyLicenseKeyEvent } from './apply-license-key.ts';
import { applyOrderRefund } from './apply-order-refund.ts';
import { applyPaymentEvent, applySubscriptionEvent } from './apply-subscription.ts';
import type { EventOutcome } from './outcome.ts';

/** How long an applied event is remembered: far beyond LemonSqueezy's 2.5 minutes of retries. */
const REMEMBER_EVENTS_MS = 30 * 24 * 3600 * 1000;

/**
 * Applies one verified LemonSqueezy event exactly once.
 * 1. events of another store, or test-mode events (unless allowed), are acknowledged and ignored;
 * 2. the event id `(name, type, id, updated_at)` is claimed with a conditional write: a
 *    delivery seen before is a no-op, a parallel copy waits for the first to finish;
 * 3. the event is applied (each transition guarded by "newer `updated_at` wins");
 * 4. success marks the id done; a failure gives the claim back and throws, so the 503 makes
 *    LemonSqueezy retry and the retry does the work.
 */
export async function handleWebhook(
  deps: ServiceDeps,
  event: WebhookEnvelope,
): Promise<EventOutcome> {
  const attributes = event.data.attributes;
  const testMode = event.meta.test_mode === true || attributes.test_mode === true;
  if (attributes.store_id !== deps.products.store_id || (testMode && !deps.policy.allowTestMode)) {
    return 'ignored';
  }
  const eventId = [
    event.meta.event_name,
    event.data.type,
    event.data.id,
    String(attributes.updated_at ?? ''),
  ].join('|');
  const deadline = performance.now() + deps.policy.activationWaitMs;
  for (;;) {
    const claimId = randomUUID();
    const now = deps.clock.now();
    const staleBefore = new Date(now.getTime() - deps.policy.activationLeaseMs).toISOString();
    const claim = await deps.webhooks.claimEvent(eventId, claimId, now.toISOString(), staleBefore);
    if (claim === 'done') return 'duplicate';
    if (claim === 'claimed') return applyClaimed(deps, event, eventId, claimId);
    if (performance.now() > deadline) {
      throw new UpstreamError(
        'lemonsqueezy',
        'unavailable',
        'event is still being applied; retry later.',
      );
    }
    await sleep(25);
  }
}

async function applyClaimed(
  deps: ServiceDeps,
  event: WebhookEnvelope,
  eventId: string,
  claimId: string,
): Promise<EventOutcome> {
  let outcome: EventOutcome;
  try {
    outcome = await dispatch(deps, event);
  } catch (error) {
    await deps.webhooks.releaseEvent(eventId, claimId);
    throw error;
  }
  await deps.webhooks.completeEvent(
    eventId,
    claimId,
    new Date(deps.clock.now().getTime() + REMEMBER_EVENTS_MS),
  );
  deps.logger.info('webhook applied', {
    event: event.meta.event_name,
    type: event.data.type,
    outcome,
  });
  return outcome;
}

function dispatch(deps: ServiceDeps, event: WebhookEnvelope): Promise<EventOutcome> {
  const name = event.meta.event_name;
  const { id, attributes } = event.data;
  switch (name) {
    case 'license_key_created':
    case 'license_key_updated':
      return applyLicenseKeyEvent(deps, id, parse(licenseKeyAttributesSchema, attributes));
    case 'subscription_created':
    case 'subscription_updated':
    case 'subscription_cancelled':
    case 'subscription_resumed':
    case 'subscription_expired':
    case 'subscription_paused':
    case 'subscription_unpaused':
      return applySubscriptionEvent(deps, id, parse(subscriptionAttributesSchema, attributes));
    case 'subscription_payment_success':
    case 'subscription_payment_recovered':
    case 'subscription_payment_failed':
    case 'subscription_payment_refunded':
      return applyPaymentEvent(deps, name, id, parse(invoiceAttributesSchema, attributes));
    case 'order_refunded':
      return applyOrderRefund(deps, id, parse(orderAttributesSchema, attributes));
    default:
      // order_created, affiliate_activated, customer_updated, …: nothing to keep in step.
      deps.logger.info('webhook event not handled', { event: name, type: event.data.type });
      return Promise.resolve('ignored');
  }
}

function parse<S extends z.ZodType>(schema: S, attributes: unknown): z.infer<S> {
  const parsed = schema.safeParse(attributes);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.map(String).join('.') ?? 'attributes';
    throw new InvalidRequestError(`Field 'data.attributes.${field}' is missing or invalid.`);
  }
  return parsed.data;
}

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamError } from '#domain/errors.ts';
import type { WebhookDelivery } from '#schemas/webhook.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { applyLicenseKeyEvent } from './apply-license-key.ts';
import { applyOrderRefund } from './apply-order-refund.ts';
import { applyPaymentEvent, applySubscriptionEvent } from './apply-subscription.ts';
import type { EventOutcome } from './outcome.ts';
import { type HandledEvent, parseEvent } from './parse-event.ts';

/** How long an applied event is remembered: far beyond LemonSqueezy's 2.5 minutes of retries. */
const REMEMBER_EVENTS_MS = 30 * 24 * 3600 * 1000;

/**
 * Applies one verified LemonSqueezy delivery exactly once.
 * 1. the event is parsed: a subject that is not what LemonSqueezy sends is INVALID_EVENT (400)
 *    before anything is written; events we do not act on are acknowledged and ignored;
 * 2. events of another store, or test-mode events (unless allowed), are acknowledged and ignored;
 * 3. the delivery id (SHA-256 of the signed bytes: a retry is byte-identical, while two
 *    different events may share `updated_at`) is claimed with a conditional write: a delivery
 *    seen before is a no-op, a parallel copy waits for the first to finish;
 * 4. the event is applied (each transition guarded by "newer `updated_at` wins");
 * 5. success marks the id done; a failure gives the claim back and throws, so the 503 makes
 *    LemonSqueezy retry and the retry does the work.
 */
export async function handleWebhook(
  deps: ServiceDeps,
  delivery: WebhookDelivery,
): Promise<EventOutcome> {
  const { meta } = delivery.event;
  const event = parseEvent(delivery.event);
  if (event.kind === 'unhandled') {
    deps.logger.info('webhook event not handled', { event: event.name, type: event.type });
    return 'ignored';
  }
  const { store_id: storeId, test_mode: testMode } = event.attributes;
  if (storeId !== deps.products.store_id) return 'ignored';
  if ((meta.test_mode === true || testMode) && !deps.policy.allowTestMode) return 'ignored';

  const eventId = delivery.deliveryId;
  const deadline = performance.now() + deps.policy.activationWaitMs;
  for (;;) {
    const claimId = randomUUID();
    const now = deps.clock.now();
    const staleBefore = new Date(now.getTime() - deps.policy.activationLeaseMs).toISOString();
    const claim = await deps.webhooks.claimEvent(eventId, claimId, now.toISOString(), staleBefore);
    if (claim === 'done') return 'duplicate';
    if (claim === 'claimed') {
      const outcome = await applyClaimed(deps, event, eventId, claimId);
      deps.logger.info('webhook applied', { event: meta.event_name, type: event.kind, outcome });
      return outcome;
    }
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
  event: HandledEvent,
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
  return outcome;
}

function dispatch(deps: ServiceDeps, event: HandledEvent): Promise<EventOutcome> {
  switch (event.kind) {
    case 'license-key':
      return applyLicenseKeyEvent(deps, event.id, event.attributes);
    case 'subscription':
      return applySubscriptionEvent(deps, event.id, event.attributes);
    case 'payment':
      return applyPaymentEvent(deps, event.name, event.id, event.attributes);
    case 'order-refund':
      return applyOrderRefund(deps, event.id, event.attributes);
    default: {
      const unhandled: never = event;
      throw new Error(`no handler for ${JSON.stringify(unhandled)}`);
    }
  }
}

import type { HandledEvent, WebhookDelivery } from '#domain/webhook-event.ts';
import { claimWithWait } from '../claim-with-wait.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { applyLicenseKeyEvent } from './apply-license-key.ts';
import { applyOrderRefund } from './apply-order-refund.ts';
import { applyPaymentEvent, applySubscriptionEvent } from './apply-subscription.ts';
import type { EventOutcome } from './outcome.ts';

/** How long an applied event is remembered: far beyond LemonSqueezy's 2.5 minutes of retries. */
const REMEMBER_EVENTS_MS = 30 * 24 * 3600 * 1000;

/**
 * Applies one verified LemonSqueezy delivery exactly once. Its event was read and checked at the
 * edge (a subject that is not what LemonSqueezy sends never gets here).
 * 1. events we do not act on are acknowledged and ignored;
 * 2. events of another store, or test-mode events (unless allowed), are acknowledged and ignored;
 * 3. the delivery id (SHA-256 of the signed bytes: a retry is byte-identical, while two
 *    different events may share `updated_at`) is claimed with a conditional write: a delivery
 *    seen before is a no-op, a parallel copy waits for the first to finish;
 * 4. the event is applied (each transition guarded by "newer `updated_at` wins");
 * 5. success marks the id done; a failure (of the work or of marking it done) gives the claim
 *    back and throws, so the 503 makes LemonSqueezy retry and the retry does the work; a claim
 *    that finds its own id (its answer was lost and the SDK retried it) holds it.
 */
export async function handleWebhook(
  deps: ServiceDeps,
  delivery: WebhookDelivery,
): Promise<EventOutcome> {
  // Handled events' names are a closed set; others are whatever LemonSqueezy adds: one value.
  const event = delivery.event.kind === 'unhandled' ? 'other' : delivery.event.name;
  try {
    const outcome = await applyDelivery(deps, delivery);
    deps.metrics.count('WebhookEvents', { Event: event, Outcome: outcome });
    return outcome;
  } catch (error) {
    deps.metrics.count('WebhookEvents', { Event: event, Outcome: 'failed' });
    throw error;
  }
}

/** The steps of `handleWebhook`, above. */
async function applyDelivery(deps: ServiceDeps, delivery: WebhookDelivery): Promise<EventOutcome> {
  const { event, deliveryId: eventId } = delivery;
  if (event.kind === 'unhandled') {
    deps.logger.info('webhook event not handled', { event: event.name, type: event.type });
    return 'ignored';
  }
  if (event.storeId !== deps.products.store_id) return 'ignored';
  if (event.testMode && !deps.policy.allowTestMode) return 'ignored';

  return claimWithWait(
    deps,
    'event is still being applied; retry later.',
    async ({ claimId, now, staleBefore }) => {
      const claim = await deps.webhooks.claimEvent(
        eventId,
        claimId,
        now.toISOString(),
        staleBefore,
      );
      if (claim === 'done') return 'duplicate';
      if (claim !== 'claimed') return undefined;
      const outcome = await applyClaimed(deps, event, eventId, claimId);
      deps.logger.info('webhook applied', { event: event.name, type: event.kind, outcome });
      return outcome;
    },
  );
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
  try {
    await deps.webhooks.completeEvent(
      eventId,
      claimId,
      new Date(deps.clock.now().getTime() + REMEMBER_EVENTS_MS),
    );
  } catch (error) {
    // Applied but not marked done: give the claim back so LemonSqueezy's retry applies the event
    // again at once (a no-op: every transition is guarded) instead of waiting out the lease.
    await deps.webhooks.releaseEvent(eventId, claimId).catch(() => undefined);
    throw error;
  }
  return outcome;
}

function dispatch(deps: ServiceDeps, event: HandledEvent): Promise<EventOutcome> {
  switch (event.kind) {
    case 'license-key':
      return applyLicenseKeyEvent(deps, event);
    case 'subscription':
      return applySubscriptionEvent(deps, event);
    case 'payment':
      return applyPaymentEvent(deps, event);
    case 'order-refund':
      return applyOrderRefund(deps, event);
    default: {
      const unhandled: never = event;
      throw new Error(`no handler for ${JSON.stringify(unhandled)}`);
    }
  }
}

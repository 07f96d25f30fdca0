import { RateLimitedError, UpstreamError } from '#domain/errors.ts';
import { licenseHashOf } from '#domain/license.ts';
import { type RateLimit, whyLimited } from '#domain/rate-limits.ts';
import type { Clock } from '#ports/clock.ts';
import type { LicenseProvider } from '#ports/license-provider.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';
import type { RateLimiter } from '#ports/rate-limiter.ts';

/** Who is asking: work on a license we hold, or the first contact with a key we never stored. */
export type BudgetPriority = 'known' | 'first-contact';

/**
 * A priority's share of the store-wide budget, on a counter of its own
 * (`RATE#lemonsqueezy-<priority>#store`, one per calendar minute): first contacts get
 * `firstContactPerMinute`, known work the rest of `perMinute`. Disjoint, so neither can take what
 * the other needs: a flood of random keys leaves known licenses their share, and known work
 * (however busy) leaves a new customer's first activation its own.
 */
export function budgetLimit(
  priority: BudgetPriority,
  budget: { perMinute: number; firstContactPerMinute: number },
): RateLimit {
  const max =
    priority === 'known'
      ? budget.perMinute - budget.firstContactPerMinute
      : budget.firstContactPerMinute;
  return { name: `lemonsqueezy-${priority}`, max, windowSeconds: 60 };
}

/** Every License API call of the deployment counts against one subject per share. */
const STORE = 'store';

/** What counts a call before it is made; undefined parts are off. */
export interface LicenseApiShares {
  /**
   * One license's share (`licenseUpstream`, per license hash: every spelling of a key is one
   * subject); undefined with `RATE_LIMITS=off`.
   */
  perLicense: RateLimit | undefined;
  /** This priority's share of the store-wide budget; undefined when the budget is off. */
  store: RateLimit | undefined;
}

/**
 * LemonSqueezy with our budget in front of its License API (validate, activate, deactivate: 60
 * requests a minute for the whole store). Every caller (activation, deactivation, a validate's
 * refresh, the reconciler, the sweeps, compensations) goes through here, so each call counts,
 * in this order:
 * 1. against the license's own share: past it the call is not made and RateLimitedError is
 *    thrown (429 RATE_LIMITED, `Retry-After` at the window's end). One license, however hostile,
 *    spends at most its share, and the store-wide budget is left for everyone else; counted
 *    first, so a license past its share takes nothing from the budget;
 * 2. against this priority's share of the store-wide budget: past it UPSTREAM_BUSY (503,
 *    `Retry-After` at the next minute), which the services treat like LemonSqueezy being
 *    unreachable (a refresh then serves the stored status within its grace).
 * A call refused at 2 was counted at 1: a license's count may run ahead of its calls, never
 * behind. The REST look-ups have their own, larger limit and pass straight through. Each method
 * answers what the port declares (the class implements it), so the signatures stay the port's.
 */
export class BudgetedLicenseProvider implements LicenseProvider {
  constructor(
    private readonly inner: LicenseProvider,
    private readonly counter: RateLimiter,
    private readonly shares: LicenseApiShares,
    private readonly clock: Clock,
    /** Each call not made counts in UpstreamBusy (by priority) or RateLimited (by policy). */
    private readonly refused: { metrics: ServiceMetrics; priority: BudgetPriority },
  ) {}

  async validate(licenseKey: string, instanceId?: string) {
    await this.spend(licenseKey);
    return this.inner.validate(licenseKey, instanceId);
  }

  async activate(licenseKey: string, instanceName: string) {
    await this.spend(licenseKey);
    return this.inner.activate(licenseKey, instanceName);
  }

  async deactivate(licenseKey: string, instanceId: string) {
    await this.spend(licenseKey);
    return this.inner.deactivate(licenseKey, instanceId);
  }

  findSubscription(orderId: number, orderItemId: number) {
    return this.inner.findSubscription(orderId, orderItemId);
  }

  getSubscription(subscriptionId: number) {
    return this.inner.getSubscription(subscriptionId);
  }

  licenseKeyOf(licenseId: number) {
    return this.inner.licenseKeyOf(licenseId);
  }

  licenseKeyStatus(licenseId: number) {
    return this.inner.licenseKeyStatus(licenseId);
  }

  listInstances(licenseId: number) {
    return this.inner.listInstances(licenseId);
  }

  getOrder(orderId: number) {
    return this.inner.getOrder(orderId);
  }

  private async spend(licenseKey: string): Promise<void> {
    const { perLicense, store } = this.shares;
    const now = this.clock.now();
    if (perLicense) {
      const check = await this.counter.take(perLicense, licenseHashOf(licenseKey), now);
      if (!check.allowed) {
        this.refused.metrics.count('RateLimited', { Policy: perLicense.name });
        const retry = retryOf(check.retryAt, now);
        throw new RateLimitedError(whyLimited('licenseUpstream'), perLicense, retry);
      }
    }
    if (!store) return;
    const check = await this.counter.take(store, STORE, now);
    if (check.allowed) return;
    this.refused.metrics.count('UpstreamBusy', { Priority: this.refused.priority });
    throw new UpstreamError('lemonsqueezy', 'busy', 'calls are at their budget for this minute.', {
      retry: retryOf(check.retryAt, now),
    });
  }
}

/** When a refused call may be made again: the instant, and whole seconds from now (at least 1). */
function retryOf(retryAt: Date, now: Date): { at: string; afterSeconds: number } {
  const afterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  return { at: retryAt.toISOString(), afterSeconds };
}

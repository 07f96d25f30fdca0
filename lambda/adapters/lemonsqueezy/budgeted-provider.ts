import { UpstreamError } from '#domain/errors.ts';
import type { LicenseStatus } from '#domain/license.ts';
import type { RateLimit } from '#domain/rate-limits.ts';
import type { Subscription } from '#domain/subscription.ts';
import type { Clock } from '#ports/clock.ts';
import type {
  DeactivationAnswer,
  LicenseProvider,
  ProviderAnswer,
  ProviderInstance,
  ProviderOrder,
} from '#ports/license-provider.ts';
import type { ServiceMetrics } from '#ports/metrics.ts';
import type { RateLimiter } from '#ports/rate-limiter.ts';

/** Who is asking: work on a license we hold, or the first contact with a key we never stored. */
export type BudgetPriority = 'known' | 'first-contact';

/**
 * The store-wide budget as rate limits on one shared counter (`RATE#lemonsqueezy-budget#store`,
 * one per calendar minute): known work may raise it to `perMinute`, a first contact only to its
 * smaller share, so unknown keys never take what is kept for known licenses.
 */
export function budgetLimit(
  priority: BudgetPriority,
  budget: { perMinute: number; firstContactPerMinute: number },
): RateLimit {
  const max = priority === 'known' ? budget.perMinute : budget.firstContactPerMinute;
  return { name: 'lemonsqueezy-budget', max, windowSeconds: 60 };
}

/** Every License API call of the deployment counts against one subject. */
const STORE = 'store';

/**
 * LemonSqueezy with the store-wide budget in front of its License API (validate, activate,
 * deactivate: 60 requests a minute for the whole store). A call past the budget is not made: it
 * throws UPSTREAM_BUSY (503, `Retry-After` at the next minute), which the services treat like
 * LemonSqueezy being unreachable (a refresh then serves the stored status within its grace). The
 * REST look-ups have their own, larger limit and pass straight through.
 */
export class BudgetedLicenseProvider implements LicenseProvider {
  constructor(
    private readonly inner: LicenseProvider,
    private readonly counter: RateLimiter,
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    /** Each call not made counts in UpstreamBusy, by the priority that asked. */
    private readonly busy: { metrics: ServiceMetrics; priority: BudgetPriority },
  ) {}

  async validate(licenseKey: string, instanceId?: string): Promise<ProviderAnswer> {
    await this.spend();
    return this.inner.validate(licenseKey, instanceId);
  }

  async activate(licenseKey: string, instanceName: string): Promise<ProviderAnswer> {
    await this.spend();
    return this.inner.activate(licenseKey, instanceName);
  }

  async deactivate(licenseKey: string, instanceId: string): Promise<DeactivationAnswer> {
    await this.spend();
    return this.inner.deactivate(licenseKey, instanceId);
  }

  findSubscription(orderId: number, orderItemId: number): Promise<Subscription | null> {
    return this.inner.findSubscription(orderId, orderItemId);
  }

  getSubscription(subscriptionId: number): Promise<Subscription | null> {
    return this.inner.getSubscription(subscriptionId);
  }

  licenseKeyOf(licenseId: number): Promise<string | null> {
    return this.inner.licenseKeyOf(licenseId);
  }

  licenseKeyStatus(licenseId: number): Promise<LicenseStatus | null> {
    return this.inner.licenseKeyStatus(licenseId);
  }

  listInstances(licenseId: number): Promise<ProviderInstance[]> {
    return this.inner.listInstances(licenseId);
  }

  getOrder(orderId: number): Promise<ProviderOrder | null> {
    return this.inner.getOrder(orderId);
  }

  private async spend(): Promise<void> {
    const now = this.clock.now();
    const check = await this.counter.take(this.limit, STORE, now);
    if (check.allowed) return;
    this.busy.metrics.count('UpstreamBusy', { Priority: this.busy.priority });
    const afterSeconds = Math.max(1, Math.ceil((check.retryAt.getTime() - now.getTime()) / 1000));
    throw new UpstreamError('lemonsqueezy', 'busy', 'calls are at their budget for this minute.', {
      retry: { at: check.retryAt.toISOString(), afterSeconds },
    });
  }
}

import type { BudgetPriority, DynamoDbUpstreamBudget } from '#adapters/dynamodb/upstream-budget.ts';
import { UpstreamError } from '#domain/errors.ts';
import type { Subscription } from '#domain/license.ts';
import type { Clock } from '#ports/clock.ts';
import type {
  DeactivationAnswer,
  LicenseProvider,
  ProviderAnswer,
  ProviderInstance,
} from '#ports/license-provider.ts';

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
    private readonly budget: DynamoDbUpstreamBudget,
    private readonly priority: BudgetPriority,
    private readonly clock: Clock,
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

  listInstances(licenseId: number): Promise<ProviderInstance[]> {
    return this.inner.listInstances(licenseId);
  }

  private async spend(): Promise<void> {
    const answer = await this.budget.take(this.priority);
    if (answer.ok) return;
    const afterSeconds = Math.max(
      1,
      Math.ceil((answer.retryAt.getTime() - this.clock.now().getTime()) / 1000),
    );
    throw new UpstreamError('lemonsqueezy', 'busy', 'calls are at their budget for this minute.', {
      retry: { at: answer.retryAt.toISOString(), afterSeconds },
    });
  }
}

import { describe, expect, it } from 'vitest';
import { HOUR } from '#local/manual-clock.ts';
import {
  activate,
  keysOfLicense,
  PLAN_CREDIT_USD,
  payAtLemonSqueezy,
  seedTrialSubscription,
  TRIAL_CREDIT_USD,
} from '#test/helpers/subscription-money.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';
import {
  deliver,
  keyOf,
  paymentEventFor,
  subscriptionEventFor,
  validate,
} from '#test/helpers/webhook-events.ts';

const wire = (iso: string) => new Date(iso).toISOString().replace('.000Z', 'Z');

describe('subscriptions sold with a LemonSqueezy free trial (on_trial)', () => {
  const stack = useTestStack();

  it('an activation during the trial gets the trial credit, for a period ending at the trial end', async () => {
    // Prepare
    const { license, trialEndsAt } = seedTrialSubscription(stack);

    // Act
    const response = await activate(stack, license);

    // Assess
    expect(response.body.status).toBe('active');
    expect(response.body.ai_details.limit).toBe(TRIAL_CREDIT_USD);
    expect(Date.parse(response.body.ai_details.expires_at)).toBe(Date.parse(trialEndsAt));
  });

  it("the first payment at the trial's end opens the first paid period with the plan's credit", async () => {
    // Prepare
    const { license, trialEndsAt } = seedTrialSubscription(stack);
    const trial = await activate(stack, license);
    stack.clock.set(new Date(Date.parse(trialEndsAt) + HOUR));
    const renewsAt = payAtLemonSqueezy(stack, license, trialEndsAt);

    // Act
    const paid = await deliver(
      stack,
      paymentEventFor(stack, 'subscription_payment_success', license, {
        invoiceId: 'inv-first',
        billedAt: trialEndsAt,
      }),
    );
    const validated = await validate(stack, license);

    // Assess
    expect(paid.body?.outcome).toBe('applied');
    expect(trial.body.ai_details.limit).toBe(TRIAL_CREDIT_USD);
    expect(validated.body.ai_details.token).not.toBe(trial.body.ai_details.token);
    expect(validated.body.ai_details.limit).toBe(PLAN_CREDIT_USD);
    expect(validated.body.ai_details.expires_at).toBe(wire(renewsAt));
  });

  it("a payment before the trial's end replaces the trial key at once; each period keeps its own credit (I1)", async () => {
    // Prepare
    const { license } = seedTrialSubscription(stack);
    const trial = await activate(stack, license);
    stack.openRouter.spend(keyOf(stack, trial.body.ai_details.token)?.hash ?? '', 1.5);
    stack.clock.advance(3 * HOUR);
    const renewsAt = payAtLemonSqueezy(stack, license, stack.clock.now().toISOString());

    // Act
    await deliver(stack, subscriptionEventFor(stack, 'subscription_updated', license));
    const validated = await validate(stack, license);

    // Assess
    const keys = keysOfLicense(stack, license);
    expect(keys.map((key) => [key.limit, key.disabled])).toEqual([
      [TRIAL_CREDIT_USD, true],
      [PLAN_CREDIT_USD, false],
    ]);
    expect(validated.body.ai_details.limit).toBe(PLAN_CREDIT_USD);
    expect(validated.body.ai_details.expires_at).toBe(wire(renewsAt));
  });

  it('cancelling during the trial keeps the trial key until the trial ends, then ends access with nothing more issued', async () => {
    // Prepare
    const { license, trialEndsAt } = seedTrialSubscription(stack);
    const trial = await activate(stack, license);
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'cancelled' });

    // Act
    await deliver(stack, subscriptionEventFor(stack, 'subscription_cancelled', license));
    const during = await validate(stack, license);
    stack.clock.set(new Date(Date.parse(trialEndsAt) + HOUR));
    const after = await validate(stack, license);

    // Assess
    expect(during.body.ai_details.token).toBe(trial.body.ai_details.token);
    expect([after.status, after.body.status, after.body.code]).toEqual([
      200,
      'expired',
      'LICENSE_EXPIRED',
    ]);
    expect(after.body).not.toHaveProperty('ai_details');
    expect(keysOfLicense(stack, license).map((key) => key.limit)).toEqual([TRIAL_CREDIT_USD]);
  });

  it("a subscription cancelled within its trial before any activation gets the trial's credit, not the plan's", async () => {
    // Prepare
    const { license } = seedTrialSubscription(stack);
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'cancelled' });

    // Act
    const response = await activate(stack, license);

    // Assess
    expect(response.body.ai_details.limit).toBe(TRIAL_CREDIT_USD);
  });

  it('an active subscription whose renews_at is still the trial end (first payment not recorded) gets no paid credit', async () => {
    // Prepare
    const { license, trialEndsAt } = seedTrialSubscription(stack);
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, {
      status: 'active',
      renewsAt: trialEndsAt,
    });

    // Act
    const response = await activate(stack, license);

    // Assess
    expect(response.body.ai_details.limit).toBe(TRIAL_CREDIT_USD);
  });
});

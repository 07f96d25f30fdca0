import { describe, expect, it } from 'vitest';
import { aiKeyName } from '#domain/key-name.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import {
  createKeyByHand,
  exposedCredit,
  keysOfLicense,
  SAAS_CREDIT,
  untilCalled,
} from '#test/helpers/integrity-checks.ts';
import { licenseCall } from '#test/helpers/license-api-calls.ts';
import { DAY, HOUR, MINUTE, SECOND } from '#test/helpers/manual-clock.ts';
import { activatedLicense, startTestStack, useTestStack } from '#test/helpers/test-stack.ts';
import { deliver, eventFor, keyOf, storedLicense, validate } from '#test/helpers/webhook-events.ts';

/**
 * Regressions named after the integrity review's findings on facts, credit periods and the
 * reaper (I4, I5, I6). Seats, credit loops and device names: integrity-regressions.test.ts.
 */
describe('integrity regressions: facts, periods and the reaper', () => {
  const stack = useTestStack();

  const inDays = (days: number) => new Date(stack.clock.now().getTime() + days * DAY).toISOString();

  it('a refresh in flight loses to a newer disabled webhook', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(25 * HOUR);
    const upstreamValidates = stack.lemonSqueezy.callCount('validate');
    // LemonSqueezy's answer to the refresh is slow, and still says `active` when it comes.
    stack.lemonSqueezy.faults.inject('validate', { kind: 'slow', delayMs: 2000 });

    // Act
    let settled = false;
    const inFlight = validate(stack, license).finally(() => {
      settled = true;
    });
    await untilCalled(stack.lemonSqueezy, 'validate', upstreamValidates + 1);
    stack.clock.advance(SECOND);
    const webhook = await deliver(
      stack,
      eventFor(stack, 'license_key_updated', license, { 'data.attributes.status': 'disabled' }),
    );
    const webhookBeatTheRefresh = !settled;
    const refreshed = await inFlight;
    const after = await validate(stack, license);

    // Assess
    expect(webhookBeatTheRefresh).toBe(true);
    expect([webhook.status, webhook.body?.outcome]).toEqual([200, 'applied']);
    const upstream = await licenseCall(stack.lemonSqueezy.url, 'validate', {
      license_key: license.key,
    });
    expect(upstream.body.license_key.status).toBe('active');
    expect((await storedLicense(stack, license))?.status).toBe('disabled');
    expect(keyOf(stack, token)?.disabled).toBe(true);
    expect(keysOfLicense(stack, license.key)).toHaveLength(1);
    expect(refreshed.body).not.toHaveProperty('ai_details');
    expect([after.status, after.body.status, after.body.code]).toEqual([
      200,
      'suspended',
      'LICENSE_DISABLED',
    ]);
  });

  it('a renewal not yet recorded starts no new credit period', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack, 'saas', inDays(1));
    stack.clock.advance(DAY + HOUR);

    // Act
    const pending = await validate(stack, license);
    const keysWhilePending = keysOfLicense(stack, license.key).length;
    const renewsAt = inDays(31);
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { renewsAt });
    stack.clock.advance(20 * MINUTE);
    const renewed = await validate(stack, license);

    // Assess
    expect([pending.status, pending.body.status, pending.body.code]).toEqual([
      200,
      'active',
      'AI_CREDIT_PENDING',
    ]);
    expect(pending.body).not.toHaveProperty('ai_details');
    expect(keysWhilePending).toBe(1);
    expect([renewed.status, renewed.body.status]).toEqual([200, 'active']);
    expect(renewed.body.ai_details).toMatchObject({ limit: 6, limit_remaining: 6 });
    expect(renewed.body.ai_details.token).not.toBe(token);
    expect(keysOfLicense(stack, license.key)).toHaveLength(2);
    expect(exposedCredit(stack, license.key, renewsAt)).toBeLessThanOrEqual(SAAS_CREDIT);
  });

  it('a renewal not yet recorded starts no new credit period: past_due keeps the current key until its period ends, then none', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack, 'saas', inDays(3));
    stack.lemonSqueezy.updateSubscription(license.subscriptionId ?? 0, { status: 'past_due' });

    // Act
    stack.clock.advance(25 * HOUR);
    const withinPeriod = await validate(stack, license);
    stack.clock.advance(2 * DAY);
    const afterPeriod = await validate(stack, license);

    // Assess
    expect((await storedLicense(stack, license))?.subscription?.status).toBe('past_due');
    expect([withinPeriod.status, withinPeriod.body.status]).toEqual([200, 'active']);
    expect(withinPeriod.body.ai_details?.token).toBe(token);
    expect([afterPeriod.status, afterPeriod.body.status, afterPeriod.body.code]).toEqual([
      200,
      'active',
      'AI_CREDIT_PENDING',
    ]);
    expect(afterPeriod.body).not.toHaveProperty('ai_details');
    expect(keysOfLicense(stack, license.key)).toHaveLength(1);
  });

  it("another deployment's reaper never deletes our keys", async () => {
    // Prepare: a second deployment (its own table) sharing the first one's OpenRouter account.
    const second = await startTestStack({
      OPENROUTER_BASE_URL: stack.openRouter.url,
      OPENROUTER_API_KEY: SANDBOX_SECRETS.OPENROUTER_API_KEY,
    });
    second.clock.set(stack.clock.now());
    const ours = await activatedLicense(stack);
    const theirs = await activatedLicense(second);
    const periodEnd = new Date(inDays(20));
    const nameFor = (deploymentId: string, licenseHash: string) =>
      aiKeyName(deploymentId, licenseHash, periodEnd);
    const elsewhere = await createKeyByHand(
      stack.openRouter.url,
      nameFor('another-deployment', 'ab'.repeat(32)),
    );
    const ourOrphan = await createKeyByHand(
      stack.openRouter.url,
      nameFor(stack.deps.policy.deploymentId, 'cd'.repeat(32)),
    );
    const theirOrphan = await createKeyByHand(
      stack.openRouter.url,
      nameFor(second.deps.policy.deploymentId, 'ef'.repeat(32)),
    );
    for (const deployment of [stack, second]) {
      deployment.clock.advance(DEFAULT_REAP_OPTIONS.minAgeMs + SECOND);
    }
    const live = () => stack.openRouter.liveKeys().map((key) => key.key);
    const liveHashes = () => stack.openRouter.liveKeys().map((key) => key.hash);

    // Act
    const bySecond = await reapOrphanKeys(second.deps);
    const liveAfterSecond = live();
    const hashesAfterSecond = liveHashes();
    const byFirst = await reapOrphanKeys(stack.deps);
    await second.close();

    // Assess
    expect(stack.deps.policy.deploymentId).not.toBe(second.deps.policy.deploymentId);
    expect(liveAfterSecond).toEqual(expect.arrayContaining([ours.token, theirs.token]));
    expect(hashesAfterSecond).toEqual(expect.arrayContaining([elsewhere, ourOrphan]));
    expect(hashesAfterSecond).not.toContain(theirOrphan);
    expect(live()).toEqual(expect.arrayContaining([ours.token, theirs.token]));
    expect(liveHashes()).toContain(elsewhere);
    expect(liveHashes()).not.toContain(ourOrphan);
    expect(liveHashes()).not.toContain(theirOrphan);
    expect([bySecond.deleted, byFirst.deleted]).toEqual([1, 1]);
  });
});

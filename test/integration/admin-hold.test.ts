import { describe, expect, it } from 'vitest';
import { admin } from '#test/helpers/admin.ts';
import { exposedCredit, keysOfLicense, SAAS_CREDIT } from '#test/helpers/integrity-checks.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import { parsedByClient } from '#test/helpers/ravn-client.ts';
import { activatedLicense, useTestStack } from '#test/helpers/test-stack.ts';
import { activeAgainEvent, deliver } from '#test/helpers/webhook-events.ts';

describe('admin key revoke holds the AI off until an operator turns it on', () => {
  const stack = useTestStack();
  const liveKeys = (licenseKey: string) =>
    keysOfLicense(stack, licenseKey).filter((key) => !key.disabled && !key.deleted);

  it('keeps the key off through validates, refreshes and webhooks; enable brings the same key back', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);

    // Act: revoke, then everything that would otherwise enable or issue a key again.
    const revoked = await admin(stack, 'key revoke', { licenseKey: license.key, reason: 'abuse' });
    const soon = await stack.post('/v1/validate', { licenseKey: license.key });
    stack.clock.advance(25 * HOUR); // a status refresh
    const refreshed = await stack.post('/v1/validate', { licenseKey: license.key });
    stack.lemonSqueezy.updateLicense(license.key, { status: 'active' });
    await deliver(stack, activeAgainEvent(stack, license));
    const afterWebhook = await stack.post('/v1/validate', { licenseKey: license.key });
    const liveWhileHeld = liveKeys(license.key).length;
    const enabled = await admin(stack, 'key enable', { licenseKey: license.key });
    const back = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(revoked.status).toBe(200);
    for (const held of [soon, refreshed, afterWebhook]) {
      expect([held.status, held.body.status, held.body.code]).toEqual([
        200,
        'active',
        'AI_KEY_HELD',
      ]);
      expect(held.body.ai_details).toBeUndefined();
      // The shipped client reads it as an active license without AI.
      expect(parsedByClient(held)).toMatchObject({ status: 'active' });
    }
    expect(liveWhileHeld).toBe(0);
    expect(enabled.status).toBe(200);
    expect(back.body.ai_details?.token).toBe(token);
    expect(exposedCredit(stack, license.key)).toBeLessThanOrEqual(SAAS_CREDIT);
  });

  it("issues no key for a new period while held, and the new period's once enabled", async () => {
    // Prepare: held, then the subscription renews and its period ends.
    const { license } = await activatedLicense(stack);
    await admin(stack, 'key revoke', { licenseKey: license.key });
    const renewsAt = new Date(stack.clock.now().getTime() + 50 * DAY).toISOString();
    stack.lemonSqueezy.updateSubscription(license.subscriptionId as number, { renewsAt });
    stack.clock.advance(21 * DAY);

    // Act
    const held = await stack.post('/v1/validate', { licenseKey: license.key });
    const keysWhileHeld = keysOfLicense(stack, license.key).length;
    await admin(stack, 'key enable', { licenseKey: license.key });
    const enabled = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect([held.body.code, held.body.ai_details]).toEqual(['AI_KEY_HELD', undefined]);
    expect(keysWhileHeld).toBe(1);
    expect(enabled.body.ai_details?.limit).toBe(SAAS_CREDIT);
    expect(Date.parse(enabled.body.ai_details?.expires_at)).toBe(Date.parse(renewsAt));
  });
});

import { describe, expect, it } from 'vitest';
import { LEMONSQUEEZY_ROUTES } from '#local/sandbox/lemonsqueezy-double.ts';
import { deactivateAtLemonSqueezy } from '#test/helpers/integrity-checks.ts';
import { HOUR } from '#test/helpers/manual-clock.ts';
import { activatedLicense, useTestStack } from '#test/helpers/test-stack.ts';

/** Every call the LemonSqueezy double has answered so far (License API and REST). */
function lemonSqueezyCalls(stack: ReturnType<typeof useTestStack>): number {
  return LEMONSQUEEZY_ROUTES.reduce((sum, route) => sum + stack.lemonSqueezy.callCount(route), 0);
}

describe('re-activating a device that holds its seat', () => {
  const stack = useTestStack();

  it('costs no LemonSqueezy call while the stored facts are fresh and usable', async () => {
    // Prepare
    const { license, device, activation } = await activatedLicense(stack);
    const before = lemonSqueezyCalls(stack);

    // Act
    const answers = [];
    for (let again = 0; again < 10; again += 1) {
      answers.push(
        await stack.post('/v1/activate', { licenseKey: license.key, instanceName: device }),
      );
    }

    // Assess: the same seat and key each time, from the table.
    expect(lemonSqueezyCalls(stack)).toBe(before);
    for (const answer of answers) {
      expect([answer.status, answer.body.instanceId]).toEqual([200, activation.instanceId]);
      expect(answer.body.ai_details?.token).toBe(activation.ai_details?.token);
    }
  });

  it('asks LemonSqueezy once the status is older than its TTL, and notices a freed seat', async () => {
    // Prepare: the seat is freed at LemonSqueezy behind our back.
    const { license, device, activation } = await activatedLicense(stack);
    await deactivateAtLemonSqueezy(stack, license.key, activation.instanceId);
    const fresh = await stack.post('/v1/activate', {
      licenseKey: license.key,
      instanceName: device,
    });
    stack.clock.advance(25 * HOUR);
    const before = lemonSqueezyCalls(stack);

    // Act
    const stale = await stack.post('/v1/activate', {
      licenseKey: license.key,
      instanceName: device,
    });

    // Assess: within the TTL the stored seat stands (as for a validate); after it, a new seat.
    expect(fresh.body.instanceId).toBe(activation.instanceId);
    expect(lemonSqueezyCalls(stack)).toBeGreaterThan(before);
    expect(stale.status).toBe(200);
    expect(stale.body.instanceId).not.toBe(activation.instanceId);
    expect(stack.lemonSqueezy.instances(license.key).map((instance) => instance.id)).toEqual([
      stale.body.instanceId,
    ]);
  });

  it('sends a device deactivated here back to LemonSqueezy for a new seat', async () => {
    // Prepare
    const { license, device, activation } = await activatedLicense(stack);
    await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceId: activation.instanceId,
    });
    const before = stack.lemonSqueezy.callCount('activate');

    // Act
    const again = await stack.post('/v1/activate', {
      licenseKey: license.key,
      instanceName: device,
    });

    // Assess
    expect(again.status).toBe(200);
    expect(again.body.instanceId).not.toBe(activation.instanceId);
    expect(stack.lemonSqueezy.callCount('activate')).toBe(before + 1);
  });
});

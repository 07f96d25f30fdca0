import { describe, expect, it } from 'vitest';
import { admin } from '#test/helpers/admin.ts';
import { exposedCredit, keysOfLicense, SAAS_CREDIT } from '#test/helpers/integrity-checks.ts';
import { activatedLicense, useTestStack } from '#test/helpers/test-stack.ts';

/** The key of the license OpenRouter still lets spend, if any. */
function liveKey(stack: ReturnType<typeof useTestStack>, licenseKey: string) {
  return keysOfLicense(stack, licenseKey).find((key) => !key.disabled && !key.deleted);
}

describe('admin key actions and the credit ledger (I1)', () => {
  const stack = useTestStack();

  it('never exposes more than the period credit across rotations, revokes and enables with spending between', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    const exposures: number[] = [];
    const step = async (command: 'key rotate' | 'key revoke' | 'key enable', spendUsd: number) => {
      const key = liveKey(stack, license.key);
      if (key) stack.openRouter.spend(key.hash, spendUsd);
      const response = await admin(stack, command, { licenseKey: license.key });
      expect(response.status).toBe(200);
      await stack.post('/v1/validate', { licenseKey: license.key });
      exposures.push(exposedCredit(stack, license.key));
    };

    // Act
    await step('key rotate', 1);
    await step('key revoke', 0.5);
    await step('key enable', 0);
    await step('key rotate', 2);
    await step('key enable', 0.25);
    await step('key rotate', 0);

    // Assess
    for (const exposed of exposures) expect(exposed).toBeLessThanOrEqual(SAAS_CREDIT);
    const spent = 1 + 0.5 + 2 + 0.25;
    expect(liveKey(stack, license.key)?.limit).toBe(SAAS_CREDIT - spent);
    expect(keysOfLicense(stack, license.key)).toHaveLength(4);
  });

  it('issues no new key when a rotation finds the period credit used up', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    const key = liveKey(stack, license.key);
    stack.openRouter.spend(key?.hash ?? '', SAAS_CREDIT);

    // Act
    const rotated = await admin(stack, 'key rotate', { licenseKey: license.key });
    const validated = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(rotated.status).toBe(200);
    expect(rotated.body.after.aiKey).toBeNull();
    expect(liveKey(stack, license.key)).toBeUndefined();
    expect(validated.body.code).toBe('AI_CREDIT_PENDING');
    expect(exposedCredit(stack, license.key)).toBeLessThanOrEqual(SAAS_CREDIT);
  });

  it('refuses to rotate a BYOK license, which has no key', async () => {
    // Prepare
    const { license } = await activatedLicense(stack, 'byok');

    // Act
    const rotated = await admin(stack, 'key rotate', { licenseKey: license.key });

    // Assess
    expect(rotated.status).toBe(400);
    expect(rotated.body.code).toBe('INVALID_REQUEST');
  });
});

import { describe, expect, it } from 'vitest';
import { getKeys, verifyLease } from '#test/helpers/lease.ts';
import { clientError, parsedByClient } from '#test/helpers/ravn-client.ts';
import {
  activatedLicense,
  deviceId,
  type HttpResult,
  seedLicense,
  useTestStack,
} from '#test/helpers/test-stack.ts';
import { deliver, eventFor } from '#test/helpers/webhook-events.ts';

describe('client contract: validate tells the shipped client the truth whenever the facts allow', () => {
  const stack = useTestStack();

  /** A license stored from LemonSqueezy's `license_key_created` (with `status`), never activated here. */
  async function storedNotActivated(status: 'active' | 'disabled' | 'expired') {
    const license = seedLicense(stack, 'saas');
    const event = eventFor(stack, 'license_key_created', license, {
      'data.attributes.status': status,
      'data.attributes.disabled': status === 'disabled' ? 1 : 0,
    });
    const delivered = await deliver(stack, event);
    expect(delivered.status).toBe(200);
    return license;
  }

  it.each([
    ['a key this service never stored', 404, 'LICENSE_NOT_FOUND'],
    ['a key stored as usable but never activated here', 404, 'LICENSE_NOT_FOUND'],
    ['a key stored as disabled, never activated here', 200, 'LICENSE_DISABLED'],
    ['a key stored as expired, never activated here', 200, 'LICENSE_EXPIRED'],
    ['a device the usable license does not have', 403, 'INSTANCE_MISMATCH'],
    ['a device the disabled license does not have', 200, 'LICENSE_DISABLED'],
  ] as const)('%s answers %i %s', async (label, status, code) => {
    // Prepare
    let request: Record<string, string>;
    if (label === 'a key this service never stored') {
      request = { licenseKey: seedLicense(stack, 'saas').key };
    } else if (label.includes('never activated here')) {
      const stored = label.includes('disabled')
        ? 'disabled'
        : label.includes('expired')
          ? 'expired'
          : 'active';
      request = { licenseKey: (await storedNotActivated(stored)).key };
    } else {
      const { license } = await activatedLicense(stack, 'saas');
      if (label.includes('disabled')) {
        stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
        await deliver(stack, eventFor(stack, 'license_key_updated', license));
      }
      request = { licenseKey: license.key, instanceName: deviceId() };
    }

    // Act
    const response: HttpResult = await stack.post('/v1/validate', request);

    // Assess: a 200 replaces the client's cache; anything else leaves it licensed for ever.
    expect([response.status, response.body.code]).toEqual([status, code]);
    if (status !== 200) {
      expect(clientError(status)).toBe(status === 404 ? 'LicenseNotFound' : 'TrialAlreadyUsed');
      return;
    }
    const body = parsedByClient(response);
    expect(body.status).toBe(code === 'LICENSE_EXPIRED' ? 'expired' : 'suspended');
    expect(body.ai_details ?? null).toBeNull();
    const { payload } = verifyLease(response.body.lease, (await getKeys(stack)).body);
    expect(payload).toMatchObject({
      scope: 'license',
      status: body.status,
      code,
      entitlements: [],
    });
    expect(payload).not.toHaveProperty('instanceId');
  });
});

import { describe, expect, it } from 'vitest';
import { licenseHashOf } from '#domain/license.ts';
import { shortHash } from '#domain/secrets.ts';
import { admin, auditItems } from '#test/helpers/admin.ts';
import { exposedCredit, keysOfLicense, SAAS_CREDIT } from '#test/helpers/integrity-checks.ts';
import { activatedLicense, deviceId, PLANS, useTestStack } from '#test/helpers/test-stack.ts';

describe('admin API: licenses and keys', () => {
  const stack = useTestStack();

  it('shows a license by key and by email with devices, live key usage and no secret', async () => {
    // Prepare
    const { license, token, activation } = await activatedLicense(stack);
    const hash = licenseHashOf(license.key);

    // Act
    const byKey = await admin(stack, 'license show', { licenseKey: license.key });
    const byEmail = await admin(stack, 'license show', {
      email: ' JANE@example.com ',
      license: shortHash(hash),
    });

    // Assess
    expect(byKey.status).toBe(200);
    const shown = byKey.body.licenses[0];
    expect(shown.license).toBe(shortHash(hash));
    expect(shown.access).toBe('usable');
    expect(shown.devices.map((device: { instanceId: string }) => device.instanceId)).toEqual([
      activation.instanceId,
    ]);
    expect(shown.ai.live).toMatchObject({ found: true, disabled: false });
    expect(shown.facts.statusCheckedAt).toEqual(expect.any(String));
    expect(byKey.text).not.toContain(license.key);
    expect(byKey.text).not.toContain(token);
    expect(byKey.text).not.toContain(hash);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.licenses.map((l: { license: string }) => l.license)).toEqual([
      shortHash(hash),
    ]);
  });

  it('returns LICENSE_NOT_FOUND for a key never activated here', async () => {
    // Act
    const response = await admin(stack, 'license show', { licenseKey: 'NOT-A-KNOWN-KEY-0000' });

    // Assess
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('LICENSE_NOT_FOUND');
  });

  it('revokes the key and enables the same key again, never exposing more than the credit', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    const [key] = keysOfLicense(stack, license.key);
    stack.openRouter.spend(key?.hash ?? '', 1.5);

    // Act
    const revoked = await admin(stack, 'key revoke', { licenseKey: license.key, reason: 'test' });
    const afterRevoke = keysOfLicense(stack, license.key);
    const enabled = await admin(stack, 'key enable', { licenseKey: license.key });
    const enabledTwice = await admin(stack, 'key enable', { licenseKey: license.key });

    // Assess
    expect(revoked.status).toBe(200);
    expect(revoked.body.after.aiKey.disabled).toBe(true);
    expect(afterRevoke.map((k) => k.disabled)).toEqual([true]);
    expect(enabled.status).toBe(200);
    expect(enabled.body.after.aiKey).toMatchObject({
      key: shortHash(key?.hash ?? ''),
      disabled: false,
    });
    expect(enabledTwice.status).toBe(200);
    const keys = keysOfLicense(stack, license.key);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.disabled).toBe(false);
    expect(exposedCredit(stack, license.key)).toBeLessThanOrEqual(SAAS_CREDIT);
  });

  it('rotates the key: the old one dies with its spend counted, the new one carries what is left', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    const [old] = keysOfLicense(stack, license.key);
    stack.openRouter.spend(old?.hash ?? '', 2);

    // Act
    const rotated = await admin(stack, 'key rotate', { licenseKey: license.key });
    const validated = await stack.post('/v1/validate', { licenseKey: license.key });

    // Assess
    expect(rotated.status).toBe(200);
    expect(rotated.body.after.aiKey.key).not.toBe(shortHash(old?.hash ?? ''));
    const keys = keysOfLicense(stack, license.key);
    expect(keys.find((k) => k.hash === old?.hash)).toMatchObject({ disabled: true });
    expect(validated.body.ai_details.token).not.toBe(token);
    expect(validated.body.ai_details.limit).toBe(SAAS_CREDIT - 2);
    expect(exposedCredit(stack, license.key)).toBeLessThanOrEqual(SAAS_CREDIT);
  });

  it('refuses to enable the key of a license that may no longer be used', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    const synced = await admin(stack, 'license sync', { licenseKey: license.key });

    // Act
    const enabled = await admin(stack, 'key enable', { licenseKey: license.key });

    // Assess
    expect(synced.status).toBe(200);
    expect(synced.body.after).toMatchObject({ status: 'disabled', access: 'LICENSE_DISABLED' });
    expect(synced.body.after.aiKey.disabled).toBe(true);
    expect(enabled.status).toBe(400);
    expect(enabled.body.code).toBe('LICENSE_DISABLED');
    expect(keysOfLicense(stack, license.key).every((k) => k.disabled || k.deleted)).toBe(true);
  });

  it('deactivates a device of a license named by email (key read from LemonSqueezy)', async () => {
    // Prepare
    const email = `seat-${deviceId().slice(0, 8)}@example.com`;
    const renewsAt = new Date(stack.clock.now().getTime() + 20 * 86_400_000).toISOString();
    const license = stack.lemonSqueezy.addLicense({
      ...PLANS.saas,
      customerName: 'Seat Owner',
      customerEmail: email,
      subscription: { status: 'active', renewsAt },
    });
    const activation = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Act
    const response = await admin(stack, 'device deactivate', {
      email,
      instanceId: activation.body.instanceId,
      reason: 'customer wiped the laptop',
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      instanceId: activation.body.instanceId,
      status: 'deactivated',
    });
    expect(stack.lemonSqueezy.instances(license.key)).toEqual([]);
    const audit = await admin(stack, 'audit list', { email });
    // The operator's record (the automatic ones of the same instant may sort either side of it).
    const operators = audit.body.records.filter(
      (r: { actor: string }) => r.actor === 'local-token',
    );
    expect(operators[0]).toMatchObject({
      action: 'device.deactivate',
      actor: 'local-token',
      detail: { instanceId: activation.body.instanceId, reason: 'customer wiped the laptop' },
    });
  });

  it('lists audit records newest first, with no license key, token or admin token in any', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    stack.clock.advance(1000);
    await admin(stack, 'key revoke', { licenseKey: license.key });
    stack.clock.advance(1000);
    await admin(stack, 'key enable', { licenseKey: license.key });

    // Act
    const listed = await admin(stack, 'audit list', { licenseKey: license.key });

    // Assess
    expect(listed.status).toBe(200);
    // Each operator action, and the automatic record of what it did, newest first; the key the
    // activation issued last.
    const trail = listed.body.records.map((r: { action: string; actor: string }) => [
      r.action,
      r.actor === 'local-token' ? 'operator' : 'system',
    ]);
    expect(trail.slice(0, 2).sort()).toEqual([
      ['key.enable', 'operator'],
      ['key.enable', 'system'],
    ]);
    expect(trail.slice(2, 4).sort()).toEqual([
      ['key.revoke', 'operator'],
      ['key.revoke', 'system'],
    ]);
    expect(trail.slice(4)).toEqual([['key.issue', 'system']]);
    const stored = JSON.stringify(await auditItems(stack));
    for (const secret of [license.key, token, stack.adminToken]) {
      expect(stored).not.toContain(secret);
    }
    const items = await auditItems(stack);
    expect(items.every((item) => typeof item.ttl === 'number')).toBe(true);
    const first = items.find((item) => item.pk === `LICENSE#${licenseHashOf(license.key)}`);
    const retention = (first?.ttl as number) - Date.parse(first?.at as string) / 1000;
    expect(Math.round(retention / 86_400)).toBe(90);
  });
});

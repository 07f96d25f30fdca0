import { describe, expect, it } from 'vitest';
import { ADMIN_COMMANDS } from '#config/admin.ts';
import { createAdminHandler } from '#handlers/admin.ts';
import { apiEvent } from '#local/api-event.ts';
import { admin, auditItems } from '#test/helpers/admin.ts';
import { activatedLicense, deviceId, post, useTestStack } from '#test/helpers/test-stack.ts';
import { main } from '../../scripts/admin.ts';

/** Runs the CLI's main with `args`, capturing what it prints. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), env });
  return { code, out, err };
}

describe('admin API: authentication', () => {
  const stack = useTestStack();

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-admin-token' }],
    ['another scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ])('answers 401 UNAUTHENTICATED to %s', async (_name, headers) => {
    // Act
    const response = await post(
      stack.url,
      ADMIN_COMMANDS['license show'],
      { licenseKey: 'x' },
      {
        'content-type': 'application/json',
        ...headers,
      },
    );

    // Assess
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });

  it('answers 404 for an admin path that is no command', async () => {
    // Act
    const response = await admin(stack, 'license show', {});
    const unknown = await post(
      stack.url,
      '/admin/nothing',
      {},
      {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.adminToken}`,
      },
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_REQUEST');
    expect(unknown.status).toBe(404);
  });

  it('in IAM mode, answers 403 FORBIDDEN without a principal and audits the principal ARN', async () => {
    // Prepare
    const handler = createAdminHandler(stack.deps, {
      auth: { mode: 'iam' },
      auditRetentionDays: 7,
    });
    const { license } = await activatedLicense(stack);
    const arn = 'arn:aws:iam::123456789012:user/operator';
    const event = (withPrincipal: boolean) => {
      const base = apiEvent({
        path: ADMIN_COMMANDS['key revoke'],
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ licenseKey: license.key }),
      });
      if (!withPrincipal) return base;
      return {
        ...base,
        requestContext: { ...base.requestContext, authorizer: { iam: { userArn: arn } } },
      };
    };

    // Act
    const refused = await handler(event(false), { awsRequestId: 'r1' });
    const allowed = await handler(event(true), { awsRequestId: 'r2' });

    // Assess
    expect(refused).toMatchObject({ statusCode: 403 });
    expect(JSON.parse((refused as { body: string }).body).code).toBe('FORBIDDEN');
    expect(allowed).toMatchObject({ statusCode: 200 });
    const items = await auditItems(stack);
    const record = items.find((item) => item.actor === arn);
    expect(record).toMatchObject({ action: 'key.revoke' });
    const retention = (record?.ttl as number) - Date.parse(record?.at as string) / 1000;
    expect(Math.round(retention / 86_400)).toBe(7);
  });

  it('resets a trial by email: the address may start a trial again, and the reset is audited', async () => {
    // Prepare
    const email = `trial-${deviceId().slice(0, 8)}@example.com`;
    const first = await stack.post('/v1/trial', { instanceName: deviceId(), email });
    const refusedBefore = await stack.post('/v1/trial', { instanceName: deviceId(), email });

    // Act
    const reset = await admin(stack, 'trial reset', {
      email: email.toUpperCase(),
      reason: 'support',
    });
    const again = await stack.post('/v1/trial', { instanceName: deviceId(), email });

    // Assess
    expect(first.status).toBe(200);
    expect(refusedBefore.body.code).toBe('TRIAL_ALREADY_USED');
    expect(reset.status).toBe(200);
    expect(reset.body.cleared.map((c: { kind: string }) => c.kind)).toEqual(['email']);
    expect(again.status).toBe(200);
    const audit = await admin(stack, 'audit list', { licenseKey: first.body.licenseKey });
    expect(audit.body.records).toContainEqual(
      expect.objectContaining({ action: 'trial.reset', actor: 'local-token' }),
    );
  });

  it('resets a trial by device', async () => {
    // Prepare
    const device = deviceId();
    await stack.post('/v1/trial', {
      instanceName: device,
      email: `d-${device.slice(0, 6)}@example.com`,
    });

    // Act
    const reset = await admin(stack, 'trial reset', { instanceName: device.toUpperCase() });
    const again = await stack.post('/v1/trial', {
      instanceName: device,
      email: `e-${device.slice(0, 6)}@example.com`,
    });

    // Assess
    expect(reset.body.cleared.map((c: { kind: string }) => c.kind)).toEqual(['device']);
    expect(again.status).toBe(200);
  });
});

describe('pnpm admin (CLI) against the local server', () => {
  const stack = useTestStack();

  it('prints a license as tables, as JSON with --json, and fails clearly on a bad token', async () => {
    // Prepare
    const { license, token } = await activatedLicense(stack);
    const target = ['--license-key', license.key, '--url', stack.url];

    // Act
    const text = await cli(['license', 'show', ...target, '--token', stack.adminToken]);
    const json = await cli(['license', 'show', ...target, '--json'], {
      RAVN_ADMIN_TOKEN: stack.adminToken,
    });
    const revoked = await cli(['key', 'revoke', ...target, '--token', stack.adminToken]);
    const refused = await cli(['license', 'show', ...target, '--token', 'wrong']);
    const usage = await cli(['license', 'explode', ...target]);

    // Assess
    expect(text.code).toBe(0);
    expect(text.out).toContain('Devices');
    expect(text.out).toContain('AI key');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).licenses).toHaveLength(1);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatch(/key revoke done/);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('UNAUTHENTICATED');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("unknown command 'license explode'");
    for (const output of [text.out, json.out, revoked.out]) expect(output).not.toContain(token);
  });
});

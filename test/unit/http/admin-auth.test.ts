import { describe, expect, it } from 'vitest';
import { actorOf, LOCAL_TOKEN_ACTOR } from '#http/admin-auth.ts';
import { loadAdminConfig } from '#lambda/admin-config.ts';
import { apiEvent } from '#local/api-event.ts';

const TOKEN = 'a'.repeat(64);

function event(headers: Record<string, string>, authorizer?: unknown) {
  const base = apiEvent({ path: '/admin/license/show', method: 'POST', headers });
  return authorizer === undefined
    ? base
    : { ...base, requestContext: { ...base.requestContext, authorizer } };
}

describe('actorOf', () => {
  it.each([
    ['the admin token', { authorization: `Bearer ${TOKEN}` }, LOCAL_TOKEN_ACTOR],
    [
      'the token with another case of scheme',
      { Authorization: `bearer ${TOKEN}` },
      LOCAL_TOKEN_ACTOR,
    ],
    ['no header', {}, undefined],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(1)}` }, undefined],
    ['the token as Basic', { authorization: `Basic ${TOKEN}` }, undefined],
  ])('in token mode, names %s as %s', (_name, headers, actor) => {
    // Act
    const result = actorOf(event(headers), { mode: 'token', token: TOKEN });

    // Assess
    expect(result).toBe(actor);
  });

  it.each([
    [
      'an IAM principal',
      { iam: { userArn: 'arn:aws:iam::123456789012:role/ops' } },
      'arn:aws:iam::123456789012:role/ops',
    ],
    ['no authorizer', undefined, undefined],
    ['an authorizer without a user ARN', { iam: {} }, undefined],
    ['a user ARN that is no ARN', { iam: { userArn: 'admin' } }, undefined],
  ])('in IAM mode, names %s', (_name, authorizer, actor) => {
    // Act
    const result = actorOf(event({ authorization: `Bearer ${TOKEN}` }, authorizer), {
      mode: 'iam',
    });

    // Assess
    expect(result).toBe(actor);
  });
});

describe('loadAdminConfig', () => {
  it('defaults to IAM with 90 days of audit retention', () => {
    // Act
    const config = loadAdminConfig({});

    // Assess
    expect(config).toEqual({ auth: { mode: 'iam' }, auditRetentionDays: 90 });
  });

  it.each([
    [{ ADMIN_AUTH: 'token' }, /ADMIN_TOKEN/],
    [{ ADMIN_AUTH: 'token', ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN/],
    [{ AUDIT_RETENTION_DAYS: '0' }, /AUDIT_RETENTION_DAYS/],
    [{ ADMIN_AUTH: 'none' }, /ADMIN_AUTH/],
  ])('refuses %j naming the variable', (env, message) => {
    // Act / Assess
    expect(() => loadAdminConfig(env)).toThrow(message);
  });

  it('never puts the token in its error', () => {
    // Act / Assess
    expect(() => loadAdminConfig({ ADMIN_AUTH: 'token', ADMIN_TOKEN: 'secret-but-short' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret-but-short') }),
    );
  });
});

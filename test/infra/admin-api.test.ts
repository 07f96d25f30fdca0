import { describe, expect, it } from 'vitest';
import { useSynthesisedApp } from '#test/infra/synth-app.ts';
import { onlyResource, statementsFor, statementsOf } from '#test/infra/template-queries.ts';

// The default deployment: eu-west-1, no WAF, no custom domain, no alarm email.
describe('RavnActivateStack admin API', () => {
  const { template } = useSynthesisedApp({ region: 'eu-west-1' });
  const admin = () =>
    onlyResource(template, 'AWS::Lambda::Function', { FunctionName: 'ravn-admin' });

  it('gives ravn-admin a function URL that takes SigV4-signed requests only (AWS_IAM)', () => {
    // Prepare
    const fn = admin();

    // Assess
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [fn.id, 'Arn'] },
    });
    // AWS_IAM needs no resource policy for callers of this account, and gets no public one.
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (permission) => JSON.stringify(permission.Properties.FunctionName).includes(fn.id),
    );
    expect(permissions.map((permission) => permission.Properties.Principal)).not.toContain('*');
  });

  it('routes nothing of CloudFront to it: no origin is the admin URL', () => {
    // Prepare
    const fn = admin();
    const { properties } = onlyResource(template, 'AWS::CloudFront::Distribution');

    // Assess
    expect(JSON.stringify(properties)).not.toContain(fn.id);
    expect(JSON.stringify(properties)).not.toContain('/admin');
  });

  it('runs in IAM mode with a 90-day audit retention, and never reads the origin or webhook secret', () => {
    // Prepare
    const fn = admin();
    const statements = statementsOf(template, 'ravn-admin');

    // Assess
    expect(fn.properties.Environment.Variables).toMatchObject({
      ADMIN_AUTH: 'iam',
      AUDIT_RETENTION_DAYS: '90',
    });
    expect(fn.properties.Environment.Variables.ADMIN_TOKEN).toBeUndefined();
    expect(statementsFor(statements, 'secretsmanager')).toEqual([]);
    expect(JSON.stringify(statementsFor(statements, 'ssm'))).not.toContain('webhook-secret');
  });

  it('outputs the admin URL', () => {
    // Prepare
    const { id: urlId } = onlyResource(template, 'AWS::Lambda::Url', { AuthType: 'AWS_IAM' });

    // Assess
    template.hasOutput('AdminUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
  });
});

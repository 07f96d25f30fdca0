import { Match } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { disposableEmailBlocklist } from 'disposable-email-domains-js';
import { describe, expect, it } from 'vitest';
import { PARAMETER_NAMES } from '#lib/constructs/service-secrets.ts';
import { synthApp, useSynthesisedApp } from '#test/infra/synth-app.ts';
import {
  actionsOf,
  onlyResource,
  resourcesOf,
  statementsFor,
  statementsOf,
} from '#test/infra/template-queries.ts';

/** An entry of the disposable-domain list: present in the bundle that carries the list. */
const _LISTED_DOMAIN = disposableEmailBlocklist().at(-1) as string;

const FUNCTIONS = ['ravn-activate', 'ravn-validate', 'ravn-webhook'] as const;
type CfnResourceJson = { Type: string; Properties: { Runtime?: string } };
const ssmArn = (name: string) => `arn:aws:ssm:eu-west-1:123456789012:parameter${name}`;

// The default deployment: eu-west-1, no WAF, no custom domain, no alarm email.
describe('RavnActivateStack', () => {
  const { synthesised, template } = useSynthesisedApp({ region: 'eu-west-1' });

  describe('table', () => {
    it('keys items by pk and sk, billed per request', () => {
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('encrypts the table at rest', () => {
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        SSESpecification: { SSEEnabled: true },
      });
    });

    it('turns on point-in-time recovery', () => {
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('has the email-index GSI, keys only', () => {
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: [
          {
            IndexName: 'email-index',
            KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      });
    });

    it('expires items by the ttl attribute', () => {
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      });
    });

    it('keeps the table when the stack is deleted or the table replaced', () => {
      // Assess
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('keeps the logical id of the table stable', () => {
      // Assess
      expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual([
        'LicenseTableC8E670A7',
      ]);
    });
  });

  describe('functions', () => {
    it('runs every Lambda function of every stack on nodejs24.x', () => {
      // Prepare: the templates `cdk deploy` would upload, the us-east-1 alarms stack included.
      const functions = synthesised.app.synth().stacks.flatMap((stack) =>
        Object.entries(stack.template.Resources as Record<string, CfnResourceJson>)
          .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
          .map(([id, resource]) => `${stack.stackName}/${id}: ${resource.Properties.Runtime}`),
      );

      // Assess: the six functions (three behind CloudFront, reaper, reconciler, admin), and no
      // other Lambda function (a CDK-made helper) on an older runtime.
      expect(functions).toHaveLength(6);
      expect(functions.filter((entry) => !entry.endsWith(': nodejs24.x'))).toEqual([]);
    });

    it.each(FUNCTIONS)('runs %s on Node 24, ARM64, traced, with the house defaults', (name) => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: name,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 25,
        TracingConfig: { Mode: 'Active' },
      });
    });

    it.each(FUNCTIONS)('gives %s the service environment', (name) => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: name,
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: 'LicenseTableC8E670A7' },
            LEMONSQUEEZY_API_KEY_PARAM: '/ravn/activate/lemonsqueezy-api-key',
            OPENROUTER_API_KEY_PARAM: '/ravn/activate/openrouter-api-key',
            WEBHOOK_SECRET_PARAM: '/ravn/activate/webhook-secret',
            ORIGIN_SECRET_ARN: { Ref: Match.stringLikeRegexp('^SecretsOriginSecret') },
            POWERTOOLS_SERVICE_NAME: 'ravn-activate',
            LOG_LEVEL: 'INFO',
            // Node does not load the source map at start (lib/constructs/service-function.ts).
            NODE_OPTIONS: Match.absent(),
          },
        },
      });
    });

    it.each([
      ['ravn-activate', true],
      ['ravn-validate', true],
      ['ravn-webhook', false],
    ])('names the lease signing key set to %s: %s', (name, signs) => {
      // Prepare
      const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name });

      // Assess: only the functions that answer licenses sign leases.
      expect(fn.properties.Environment.Variables.SIGNING_KEY_PARAM).toBe(
        signs ? '/ravn/activate/signing-key' : undefined,
      );
    });

    it.each(FUNCTIONS)('logs %s to /aws/lambda/<name> for 30 days', (name) => {
      // Prepare
      const group = onlyResource(template, 'AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${name}`,
      });

      // Assess
      expect(group.properties.RetentionInDays).toBe(30);
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: name,
        LoggingConfig: { LogGroup: { Ref: group.id } },
      });
    });

    it('uses no AWS managed policy: each role writes to its own log group only', () => {
      // Prepare
      const roles = Object.values(template.findResources('AWS::IAM::Role'));

      // Assess: the six functions' roles and CodeDeploy's three (release-canary.test.ts).
      expect(roles).toHaveLength(9);
      for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      for (const name of [...FUNCTIONS, 'ravn-reaper', 'ravn-reconciler', 'ravn-admin']) {
        const logs = statementsFor(statementsOf(template, name), 'logs');
        const group = onlyResource(template, 'AWS::Logs::LogGroup', {
          LogGroupName: `/aws/lambda/${name}`,
        });
        expect(logs.map(actionsOf)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
        expect(logs.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [group.id, 'Arn'] }]);
      }
    });

    it.each([
      ['ravn-activate', ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem']],
      ['ravn-validate', ['GetItem', 'PutItem', 'UpdateItem']],
      ['ravn-webhook', ['DeleteItem', 'GetItem', 'PutItem', 'UpdateItem']],
      ['ravn-reaper', ['GetItem', 'PutItem', 'Scan', 'UpdateItem']],
      ['ravn-reconciler', ['GetItem', 'PutItem', 'Scan', 'UpdateItem']],
      ['ravn-admin', ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem']],
    ])('allows %s exactly the table actions %j', (name, actions) => {
      // Prepare
      const dynamodb = statementsFor(statementsOf(template, name), 'dynamodb');

      // Assess
      expect(dynamodb.map(actionsOf)).toEqual([actions.map((action) => `dynamodb:${action}`)]);
      expect(dynamodb.flatMap(resourcesOf)).toContainEqual({
        'Fn::GetAtt': ['LicenseTableC8E670A7', 'Arn'],
      });
    });

    it.each([
      ['ravn-activate', ['lemonSqueezyApiKey', 'openRouterApiKey', 'signingKey']],
      ['ravn-validate', ['lemonSqueezyApiKey', 'openRouterApiKey', 'signingKey']],
      ['ravn-webhook', ['lemonSqueezyApiKey', 'openRouterApiKey', 'webhookSecret']],
      ['ravn-reaper', ['lemonSqueezyApiKey', 'openRouterApiKey']],
      ['ravn-reconciler', ['lemonSqueezyApiKey', 'openRouterApiKey']],
      ['ravn-admin', ['lemonSqueezyApiKey', 'openRouterApiKey']],
    ] as const)('lets %s read exactly the parameters %j', (name, keys) => {
      // Prepare
      const ssm = statementsFor(statementsOf(template, name), 'ssm');

      // Assess
      expect(ssm.map(actionsOf)).toEqual([['ssm:GetParameter']]);
      expect(ssm.flatMap(resourcesOf).sort()).toEqual(
        keys.map((key) => ssmArn(PARAMETER_NAMES[key])).sort(),
      );
    });

    it.each(FUNCTIONS)('lets %s decrypt through SSM only', (name) => {
      // Prepare
      const kms = statementsFor(statementsOf(template, name), 'kms');

      // Assess
      expect(kms).toEqual([
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: 'arn:aws:kms:eu-west-1:123456789012:key/*',
          Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } },
        },
      ]);
    });

    it('grants no wildcard action and no Query, Scan or SSM on "*"', () => {
      // Prepare
      const statements = FUNCTIONS.flatMap((name) => statementsOf(template, name));

      // Assess
      for (const statement of statements) {
        for (const action of actionsOf(statement)) {
          expect(action).not.toContain('*');
          expect(action).not.toMatch(/^dynamodb:(Query|Scan)$/);
        }
        const ssmOrKms = actionsOf(statement).some((a) => /^(ssm|kms):/.test(a));
        if (ssmOrKms) expect(resourcesOf(statement)).not.toContain('*');
      }
    });

    it.each(FUNCTIONS)('lets %s read the origin secret', (name) => {
      // Prepare
      const secrets = statementsFor(statementsOf(template, name), 'secretsmanager');

      // Assess
      expect(secrets.map(actionsOf)).toEqual([
        ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      ]);
      expect(secrets.flatMap(resourcesOf)).toEqual([
        { Ref: onlyResource(template, 'AWS::SecretsManager::Secret').id },
      ]);
    });
  });

  describe('cdk-nag', () => {
    it('leaves no AwsSolutions finding unacknowledged', () => {
      // Assess
      expect(synthesised.unacknowledgedFindings()).toEqual([]);
    });

    it('fails synthesis on a finding nobody acknowledged', () => {
      // Act
      const synth = () =>
        synthApp({ region: 'us-east-1' }, ({ service }) => new Secret(service, 'Unacknowledged'));

      // Assess
      expect(synth).toThrow(/AwsSolutions-SMG4/);
    });
  });
});

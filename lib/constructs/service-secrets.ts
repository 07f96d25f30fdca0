import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IStringParameter, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/** The SecureString parameters the operator creates with `aws ssm put-parameter` (docs/deploy.md). */
export const PARAMETER_NAMES = {
  lemonSqueezyApiKey: '/ravn/activate/lemonsqueezy-api-key',
  openRouterApiKey: '/ravn/activate/openrouter-api-key',
  webhookSecret: '/ravn/activate/webhook-secret',
} as const;

export type ParameterKey = keyof typeof PARAMETER_NAMES;

/**
 * Credentials the functions read at cold start. The three upstream credentials are SSM
 * SecureStrings the operator owns (the stack only references them, so a `cdk destroy` never
 * deletes them); the origin secret is generated here, because only CloudFront and the functions
 * ever need its value.
 */
export class ServiceSecrets extends Construct {
  /** Shared secret CloudFront sends as `x-origin-verify`; functions refuse requests without it. */
  readonly originSecret: Secret;
  private readonly parameters: Record<ParameterKey, IStringParameter>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.parameters = {
      lemonSqueezyApiKey: this.reference('LemonSqueezyApiKey', PARAMETER_NAMES.lemonSqueezyApiKey),
      openRouterApiKey: this.reference('OpenRouterApiKey', PARAMETER_NAMES.openRouterApiKey),
      webhookSecret: this.reference('WebhookSecret', PARAMETER_NAMES.webhookSecret),
    };
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'ravn-activate: header CloudFront adds to origin requests (x-origin-verify)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
  }

  /**
   * Lets `grantee` read exactly the named parameters (`ssm:GetParameter`, all Powertools calls),
   * and decrypt them through SSM only: `kms:ViaService` limits the key permission to SSM's use
   * of it, whether the operator kept the default `aws/ssm` key or chose one with `--key-id`.
   */
  grantParameters(grantee: IGrantable, keys: readonly ParameterKey[]): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: keys.map((key) => this.parameters[key].parameterArn),
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
        conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
      }),
    );
  }

  /** Lets `grantee` read the origin secret (GetSecretValue on its ARN). */
  grantOriginSecret(grantee: IGrantable): void {
    this.originSecret.grantRead(grantee);
  }

  private reference(id: string, parameterName: string): IStringParameter {
    return StringParameter.fromSecureStringParameterAttributes(this, id, { parameterName });
  }
}

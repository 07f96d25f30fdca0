import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IStringParameter, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';

/**
 * The SecureString parameters the operator creates: the upstream credentials with
 * `aws ssm put-parameter`, the lease signing key set with `pnpm signing-key rotate`
 * (docs/deploy.md, "2. Store the credentials (once)").
 */
export const PARAMETER_NAMES = {
  lemonSqueezyApiKey: '/ravn/activate/lemonsqueezy-api-key',
  openRouterApiKey: '/ravn/activate/openrouter-api-key',
  webhookSecret: '/ravn/activate/webhook-secret',
  signingKey: '/ravn/activate/signing-key',
} as const;

export type ParameterKey = keyof typeof PARAMETER_NAMES;

/**
 * Credentials the functions read at cold start. The three upstream credentials and the lease
 * signing key set are SSM SecureStrings the operator owns (the stack only references them, so a `cdk destroy` never
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
      signingKey: this.reference('SigningKey', PARAMETER_NAMES.signingKey),
    };
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'ravn-activate: header CloudFront adds to origin requests (x-origin-verify)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    acknowledge(
      this.originSecret,
      'SMG4',
      'CloudFront and the functions must switch to a new origin secret in step, which a rotation Lambda cannot do (CloudFront only re-reads it when the distribution is updated). It is rotated by hand with put-secret-value and a deploy with a new originSecretRotation (docs/deploy.md); it only keeps callers from going around CloudFront/WAF.',
    );
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
    const anyKey = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [anyKey],
        conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
      }),
    );
    // The statement lands in the principal's policy, so the acknowledgement goes there too.
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    acknowledgeWildcardResource(
      principal,
      anyKey,
      "The SecureStrings are encrypted with the AWS-managed aws/ssm key (or a key the operator picks with put-parameter --key-id), whose ID is not known to the stack; kms:ViaService limits Decrypt to SSM decrypting on the function's behalf, and ssm:GetParameter is limited to the named parameters.",
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

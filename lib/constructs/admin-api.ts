import { CfnOutput } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { ServiceFunction } from './service-function.ts';
import { PARAMETER_NAMES, type ServiceSecrets } from './service-secrets.ts';

export interface AdminApiProps {
  readonly table: ITable;
  readonly secrets: ServiceSecrets;
  /** How long audit records are kept (DynamoDB TTL); default 90 days. */
  readonly auditRetentionDays?: number;
}

/**
 * `ravn-admin`: the operators' API (license show, key revoke/enable/rotate, trial reset, device
 * deactivate, license sync, audit list), on a function URL of its own with `AWS_IAM` auth: a
 * request must be SigV4-signed by a principal of this account allowed `lambda:InvokeFunctionUrl`
 * on it, so there is no shared secret to leak and CloudTrail records who called. CloudFront has
 * no behaviour or origin for it: it is not on the public domain at all.
 */
export class AdminApi extends Construct {
  readonly fn: ServiceFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    const { table, secrets } = props;
    this.fn = new ServiceFunction(this, 'Function', {
      functionName: 'ravn-admin',
      handlerFile: 'admin.ts',
      description: 'ravn-admin: operator commands with an audit trail (AWS_IAM function URL)',
      environment: {
        TABLE_NAME: table.tableName,
        LEMONSQUEEZY_API_KEY_PARAM: PARAMETER_NAMES.lemonSqueezyApiKey,
        OPENROUTER_API_KEY_PARAM: PARAMETER_NAMES.openRouterApiKey,
        // Named because the configuration requires it; never read here, so not granted.
        WEBHOOK_SECRET_PARAM: PARAMETER_NAMES.webhookSecret,
        ADMIN_AUTH: 'iam',
        AUDIT_RETENTION_DAYS: String(props.auditRetentionDays ?? 90),
        POWERTOOLS_SERVICE_NAME: 'ravn-activate',
        LOG_LEVEL: 'INFO',
      },
    });
    // Licenses (read, conditional writes, the AI key's transaction of Put + Update), audit
    // records (Put, Query), trial claims (BatchGet, Delete) and the email index (Query).
    table.grant(
      this.fn,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    );
    secrets.grantParameters(this.fn, ['lemonSqueezyApiKey', 'openRouterApiKey']);
    acknowledgeWildcardResource(
      this.fn.executionRole,
      `${table.tableArn}/index/*`,
      'The admin function looks licenses up by customer email with a Query on the email index; the table has that one keys-only index, so the index wildcard grants no more than it.',
    );
    this.url = this.fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(scope, 'AdminUrl', {
      description: 'Admin API (AWS_IAM: SigV4-signed requests only; see docs/operations.md)',
      value: this.url.url,
    });
  }
}

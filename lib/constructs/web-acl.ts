import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WEBHOOK_PATH } from '#config/routes.ts';

/** Requests per IP per 5 minutes before the rate rule blocks that IP. */
export const RATE_LIMIT_PER_5_MINUTES = 100;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

// Everything but the webhook: LemonSqueezy delivers it from a few IPs, each delivery is
// HMAC-signed, and its bodies (up to 256 KB of customer data) would trip generic body rules such
// as the common rule set's 8 KB size limit.
const notWebhook: CfnWebACL.StatementProperty = {
  notStatement: {
    statement: {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: WEBHOOK_PATH,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    },
  },
};

/**
 * Rules of the common rule set that the shipped RAVN Mail client trips, counted instead of
 * blocked: its HTTP client sends no User-Agent on any request (the probe included), so
 * `NoUserAgent_HEADER` would block every call, and the block's 403 reads "trial already used".
 */
export const COMMON_RULES_COUNTED = ['NoUserAgent_HEADER'] as const;

const managedRuleGroup = (
  name: string,
  priority: number,
  options: {
    scopeDownStatement?: CfnWebACL.StatementProperty;
    countOnly?: readonly string[];
  } = {},
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(options.scopeDownStatement ? { scopeDownStatement: options.scopeDownStatement } : {}),
      ...(options.countOnly
        ? {
            ruleActionOverrides: options.countOnly.map((rule) => ({
              name: rule,
              actionToUse: { count: {} },
            })),
          }
        : {}),
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * The CloudFront web ACL (scope CLOUDFRONT, so it must be created in us-east-1): a per-IP rate
 * limit on the client endpoints, AWS's common rule set on them, and known bad inputs everywhere.
 */
export class WebAcl extends Construct {
  /** Name, also the `WebACL` dimension of its CloudWatch metrics. */
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: { readonly name: string }) {
    super(scope, id);
    const acl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: 'ravn-activate: rate limit and AWS managed rules in front of the API',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: RATE_LIMIT_PER_5_MINUTES,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: notWebhook,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managedRuleGroup('AWSManagedRulesCommonRuleSet', 1, {
          scopeDownStatement: notWebhook,
          countOnly: COMMON_RULES_COUNTED,
        }),
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    this.name = props.name;
    this.arn = acl.attrArn;
  }
}

import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  type ManagedRuleActions,
  WAF_PATH_RATE_LIMITS,
  WAF_RATE_LIMIT,
  WAF_RATE_WINDOW_SECONDS,
  WAF_WEBHOOK_RATE_LIMIT,
} from '#config/waf.ts';
import { managedRuleGroup, type UnorderedRule } from './waf-managed-rules.ts';
import { customResponseBodies, RATE_LIMITED } from './waf-responses.ts';
import { notWebhook, pathIs, visibility, webhookOnly } from './waf-statements.ts';

export interface WebAclProps {
  /** Name, also the `WebACL` dimension of its CloudWatch metrics. */
  readonly name: string;
  /** Block or only count, per managed rule group (deploy setting `wafManagedRules`). */
  readonly managedRules: ManagedRuleActions;
}

const rateRule = (
  name: string,
  limit: number,
  scopeDownStatement: CfnWebACL.StatementProperty,
): UnorderedRule => ({
  name,
  action: RATE_LIMITED,
  statement: {
    rateBasedStatement: {
      limit,
      evaluationWindowSec: WAF_RATE_WINDOW_SECONDS,
      aggregateKeyType: 'IP',
      scopeDownStatement,
    },
  },
  visibilityConfig: visibility(name),
});

/** `RateLimitTrial` for `/v1/trial`: one rule, and one metric, per limited path. */
const rateRuleName = (path: string) => {
  const last = path.split('/').pop() ?? path;
  return `RateLimit${last.charAt(0).toUpperCase()}${last.slice(1)}`;
};

/**
 * The CloudFront web ACL (scope CLOUDFRONT, so it must be created in us-east-1): per-IP rate
 * limits, tighter on the paths that spend money, then AWS's IP reputation list, known bad inputs
 * and common rule set. The webhook is exempt from all of them but its own, roomy rate limit. Every
 * block answers JSON in the functions' error shape: 429 `RATE_LIMITED` with `Retry-After`, or
 * 403 `REQUEST_BLOCKED`.
 */
export class WebAcl extends Construct {
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    // Evaluated in this order. The rate rules go first, so a flooding address hears 429 with
    // Retry-After (slow down) rather than a 403 from a managed rule it also trips.
    const rules: UnorderedRule[] = [
      ...Object.entries(WAF_PATH_RATE_LIMITS).map(([path, limit]) =>
        rateRule(rateRuleName(path), limit, pathIs(path)),
      ),
      rateRule('RateLimitPerIp', WAF_RATE_LIMIT, notWebhook),
      // The webhook is exempt from the rules above and below; a flood of posts to it from one
      // address is not (LemonSqueezy's own deliveries stay far below this limit).
      rateRule('RateLimitWebhook', WAF_WEBHOOK_RATE_LIMIT, webhookOnly),
      managedRuleGroup('ipReputation', props.managedRules.ipReputation),
      managedRuleGroup('knownBadInputs', props.managedRules.knownBadInputs),
      managedRuleGroup('commonRuleSet', props.managedRules.commonRuleSet),
    ];
    const acl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: 'ravn-activate: rate limits and AWS managed rules in front of the API',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      customResponseBodies: customResponseBodies(),
      visibilityConfig: visibility(props.name),
      rules: rules.map((rule, priority) => ({ ...rule, priority })),
    });
    this.name = props.name;
    this.arn = acl.attrArn;
  }
}

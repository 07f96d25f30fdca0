import { describe, expect, it } from 'vitest';
import { WAF_WEBHOOK_RATE_LIMIT } from '#config/waf.ts';
import {
  type Json,
  notWebhook,
  rateLimited,
  ruleNamed,
  webAcl,
  webhookOnly,
} from '#test/infra/web-acl-template.ts';

describe('WebAcl: the webhook', () => {
  it('exempts exactly /v1/webhook, as written, from every rule but its own rate rule', () => {
    // Prepare
    const acl = webAcl({
      ipReputation: 'block',
      knownBadInputs: 'block',
      commonRuleSet: 'block',
    });

    // Act
    const scopeDowns = acl.Rules.filter((rule: Json) => rule.Name !== 'RateLimitWebhook').map(
      (rule: Json) => [
        rule.Name,
        rule.Statement.RateBasedStatement?.ScopeDownStatement ??
          rule.Statement.ManagedRuleGroupStatement?.ScopeDownStatement,
      ],
    );

    // Assess: a rule either matches one client path only or skips the webhook.
    expect(scopeDowns).toHaveLength(acl.Rules.length - 1);
    for (const [name, scopeDown] of scopeDowns) {
      const onePath = scopeDown?.ByteMatchStatement?.SearchString;
      if (onePath !== undefined) expect(onePath, name).not.toBe('/v1/webhook');
      else expect(scopeDown, name).toEqual(notWebhook);
    }
  });

  it('limits the webhook to 1,000 posts per IP per 5 minutes, counting exactly what the others exempt', () => {
    // Act
    const rule = ruleNamed(webAcl(), 'RateLimitWebhook');

    // Assess: the same 429 body as every rate rule; the scope is the exemption's complement.
    expect(WAF_WEBHOOK_RATE_LIMIT).toBe(1000);
    expect(rule).toMatchObject({
      Action: rateLimited,
      Statement: {
        RateBasedStatement: {
          Limit: 1000,
          EvaluationWindowSec: 300,
          AggregateKeyType: 'IP',
          ScopeDownStatement: webhookOnly,
        },
      },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: 'RateLimitWebhook' },
    });
    expect(notWebhook.NotStatement.Statement).toEqual(
      rule.Statement.RateBasedStatement.ScopeDownStatement,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { MANAGED_RULE_GROUPS, type ManagedRuleActions } from '#config/waf.ts';
import { ALWAYS_COUNTED, BLOCKING_RULES } from '#lib/constructs/waf-managed-rules.ts';
import { errorResponseSchema } from '#schemas/error-response.ts';
import {
  DEFAULT_ACTIONS,
  type Json,
  notWebhook,
  rateLimited,
  requestBlocked,
  ruleNamed,
  webAcl,
} from '#test/infra/web-acl-template.ts';

/** Every Block the ACL can take: rule actions and the rule action overrides in managed groups. */
const blocksOf = (acl: Json): Json[] =>
  acl.Rules.flatMap((rule: Json) => [
    rule.Action,
    ...(rule.Statement.ManagedRuleGroupStatement?.RuleActionOverrides ?? []).map(
      (override: Json) => override.ActionToUse,
    ),
  ]).filter((action: Json) => action?.Block !== undefined);

describe('WebAcl', () => {
  describe('block answers', () => {
    it.each([
      ['RateLimited', 'RATE_LIMITED'],
      ['RequestBlocked', 'REQUEST_BLOCKED'],
    ])('answers %s as JSON in the functions error shape, code %s', (key, code) => {
      // Prepare
      const body = webAcl().CustomResponseBodies[key];

      // Act
      const parsed = errorResponseSchema.safeParse(JSON.parse(body.Content));

      // Assess
      expect(body.ContentType).toBe('APPLICATION_JSON');
      expect(parsed.error?.issues).toBeUndefined();
      expect(parsed.data).toMatchObject({ code, requestId: '' });
      expect(parsed.data?.error).toBe(parsed.data?.message);
    });

    it.each([
      ['the defaults', DEFAULT_ACTIONS],
      [
        'every group blocking',
        { ipReputation: 'block', knownBadInputs: 'block', commonRuleSet: 'block' } as const,
      ],
    ])('gives every Block a custom response with a body it has, with %s', (_case, actions) => {
      // Prepare
      const acl = webAcl(actions);

      // Act
      const blocks = blocksOf(acl);

      // Assess
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        expect(Object.keys(acl.CustomResponseBodies)).toContain(
          block.Block.CustomResponse?.CustomResponseBodyKey,
        );
      }
    });
  });

  describe('rate rules', () => {
    it.each([
      ['RateLimitTrial', '/v1/trial', 10],
      ['RateLimitActivate', '/v1/activate', 20],
    ])('%s allows %s %i requests per IP per 5 minutes, then answers 429', (name, path, limit) => {
      // Act
      const rule = ruleNamed(webAcl(), name);

      // Assess
      expect(rule).toMatchObject({
        Action: rateLimited,
        Statement: {
          RateBasedStatement: {
            Limit: limit,
            EvaluationWindowSec: 300,
            AggregateKeyType: 'IP',
            // As CloudFront routes it: decoded, dot segments resolved.
            ScopeDownStatement: {
              ByteMatchStatement: {
                FieldToMatch: { UriPath: {} },
                PositionalConstraint: 'EXACTLY',
                SearchString: path,
                TextTransformations: [
                  { Priority: 0, Type: 'URL_DECODE' },
                  { Priority: 1, Type: 'NORMALIZE_PATH' },
                ],
              },
            },
          },
        },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: name },
      });
    });

    it('allows validate and every other path but the webhook more: 100 per IP per 5 minutes', () => {
      // Prepare
      const acl = webAcl();

      // Act
      const rule = ruleNamed(acl, 'RateLimitPerIp');

      // Assess
      expect(rule).toMatchObject({
        Action: rateLimited,
        Statement: {
          RateBasedStatement: {
            Limit: 100,
            EvaluationWindowSec: 300,
            AggregateKeyType: 'IP',
            ScopeDownStatement: notWebhook,
          },
        },
      });
      const pathLimits = ['RateLimitTrial', 'RateLimitActivate'].map(
        (name) => ruleNamed(acl, name).Statement.RateBasedStatement.Limit,
      );
      for (const limit of pathLimits) expect(limit).toBeLessThan(100);
    });

    it('evaluates the rate rules before the managed rules, so a flood hears 429', () => {
      // Act
      const names = [...webAcl().Rules]
        .sort((a: Json, b: Json) => a.Priority - b.Priority)
        .map((rule: Json) => rule.Name);

      // Assess
      expect(names).toEqual([
        'RateLimitTrial',
        'RateLimitActivate',
        'RateLimitPerIp',
        'RateLimitWebhook',
        'AWSManagedRulesAmazonIpReputationList',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesCommonRuleSet',
      ]);
    });
  });

  describe('managed rule groups', () => {
    it.each([
      ['ipReputation', 'block'],
      ['knownBadInputs', 'block'],
      ['commonRuleSet', 'count'],
    ] as const)('runs %s on every path but the webhook, by default with %s', (id, action) => {
      // Act
      const rule = ruleNamed(webAcl(), MANAGED_RULE_GROUPS[id].name);

      // Assess
      expect(rule).toMatchObject({
        OverrideAction: action === 'block' ? { None: {} } : { Count: {} },
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: 'AWS',
            Name: MANAGED_RULE_GROUPS[id].name,
            ScopeDownStatement: notWebhook,
          },
        },
        VisibilityConfig: { CloudWatchMetricsEnabled: true },
      });
    });

    it.each(['ipReputation', 'knownBadInputs', 'commonRuleSet'] as const)(
      'blocks with %s when configured to, each of its blocking rules with our 403 body',
      (id) => {
        // Prepare
        const actions: ManagedRuleActions = { ...DEFAULT_ACTIONS, [id]: 'block' };

        // Act
        const rule = ruleNamed(webAcl(actions), MANAGED_RULE_GROUPS[id].name);

        // Assess
        expect(rule.OverrideAction).toEqual({ None: {} });
        expect(rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
          ...(ALWAYS_COUNTED[id] ?? []).map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
          ...BLOCKING_RULES[id].map((name) => ({ Name: name, ActionToUse: requestBlocked })),
        ]);
      },
    );

    it.each(['ipReputation', 'knownBadInputs', 'commonRuleSet'] as const)(
      'only counts with %s when configured to',
      (id) => {
        // Prepare
        const actions: ManagedRuleActions = { ...DEFAULT_ACTIONS, [id]: 'count' };

        // Act
        const rule = ruleNamed(webAcl(actions), MANAGED_RULE_GROUPS[id].name);

        // Assess
        expect(rule.OverrideAction).toEqual({ Count: {} });
        const overrides = rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides ?? [];
        expect(overrides.filter((override: Json) => override.ActionToUse.Block)).toEqual([]);
      },
    );

    it('never blocks for a missing User-Agent: the shipped client sends none', () => {
      // Prepare
      const actions = { ...DEFAULT_ACTIONS, commonRuleSet: 'block' } as const;

      // Act
      const rule = ruleNamed(webAcl(actions), 'AWSManagedRulesCommonRuleSet');

      // Assess
      expect(rule.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toContainEqual({
        Name: 'NoUserAgent_HEADER',
        ActionToUse: { Count: {} },
      });
      expect(BLOCKING_RULES.commonRuleSet).not.toContain('NoUserAgent_HEADER');
    });
  });
});

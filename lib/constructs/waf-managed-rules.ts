import type { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import {
  MANAGED_RULE_GROUPS,
  type ManagedRuleAction,
  type ManagedRuleGroupId,
} from '#config/waf.ts';
import { REQUEST_BLOCKED } from './waf-responses.ts';
import { notWebhook, visibility } from './waf-statements.ts';

/**
 * The rules of each group that block by default, as AWS documents the groups' current versions.
 * A rule group's own Block answers a bare 403 with no body of ours, and WAF has no setting for a
 * whole group's answer, so each of these is overridden to the same Block with our JSON body. A
 * rule AWS adds later still blocks, with the bare 403, until it is listed here. Rules AWS ships
 * as Count (the IP list's `AWSManagedIPDDoSList`, the `_RC_COUNT` variants) stay Count.
 */
export const BLOCKING_RULES: Readonly<Record<ManagedRuleGroupId, readonly string[]>> = {
  ipReputation: ['AWSManagedIPReputationList', 'AWSManagedReconnaissanceList'],
  knownBadInputs: [
    'JavaDeserializationRCE_HEADER',
    'JavaDeserializationRCE_BODY',
    'JavaDeserializationRCE_URIPATH',
    'JavaDeserializationRCE_QUERYSTRING',
    'Host_localhost_HEADER',
    'PROPFIND_METHOD',
    'ExploitablePaths_URIPATH',
    'Log4JRCE_HEADER',
    'Log4JRCE_QUERYSTRING',
    'Log4JRCE_BODY',
    'Log4JRCE_URIPATH',
  ],
  commonRuleSet: [
    'UserAgent_BadBots_HEADER',
    'SizeRestrictions_QUERYSTRING',
    'SizeRestrictions_Cookie_HEADER',
    'SizeRestrictions_BODY',
    'SizeRestrictions_URIPATH',
    'EC2MetaDataSSRF_BODY',
    'EC2MetaDataSSRF_COOKIE',
    'EC2MetaDataSSRF_URIPATH',
    'EC2MetaDataSSRF_QUERYARGUMENTS',
    'GenericLFI_QUERYARGUMENTS',
    'GenericLFI_URIPATH',
    'GenericLFI_BODY',
    'RestrictedExtensions_URIPATH',
    'RestrictedExtensions_QUERYARGUMENTS',
    'GenericRFI_QUERYARGUMENTS',
    'GenericRFI_BODY',
    'GenericRFI_URIPATH',
    'CrossSiteScripting_COOKIE',
    'CrossSiteScripting_QUERYARGUMENTS',
    'CrossSiteScripting_BODY',
    'CrossSiteScripting_URIPATH',
  ],
};

/**
 * Rules that only ever count, whatever the group's action. The shipped RAVN Mail client sends no
 * User-Agent on any request (the probe included), so `NoUserAgent_HEADER` would block every
 * call. Counting it also lets the group go on to its other rules for those requests, so in Count
 * mode the metrics show what else would have matched.
 */
export const ALWAYS_COUNTED: Readonly<Partial<Record<ManagedRuleGroupId, readonly string[]>>> = {
  commonRuleSet: ['NoUserAgent_HEADER'],
};

/** A rule before the web ACL gives it its place (`priority`) in the evaluation order. */
export type UnorderedRule = Omit<CfnWebACL.RuleProperty, 'priority'>;

/**
 * AWS managed rule group `id` on every path but the webhook. `block` applies its rules with our
 * 403 body; `count` only records matches (metrics, sampled requests, labels).
 */
export function managedRuleGroup(id: ManagedRuleGroupId, action: ManagedRuleAction): UnorderedRule {
  const { name } = MANAGED_RULE_GROUPS[id];
  const overrides: CfnWebACL.RuleActionOverrideProperty[] = [
    ...(ALWAYS_COUNTED[id] ?? []).map((rule) => ({ name: rule, actionToUse: { count: {} } })),
    ...(action === 'block'
      ? BLOCKING_RULES[id].map((rule) => ({ name: rule, actionToUse: REQUEST_BLOCKED }))
      : []),
  ];
  return {
    name,
    overrideAction: action === 'block' ? { none: {} } : { count: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        scopeDownStatement: notWebhook,
        ...(overrides.length > 0 ? { ruleActionOverrides: overrides } : {}),
      },
    },
    visibilityConfig: visibility(name),
  };
}

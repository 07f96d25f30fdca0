import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ManagedRuleActions } from '#config/waf.ts';
import { WebAcl } from '#lib/constructs/web-acl.ts';
import { onlyResource } from '#test/infra/template-queries.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON.
export type Json = any;

export const DEFAULT_ACTIONS: ManagedRuleActions = {
  ipReputation: 'block',
  knownBadInputs: 'block',
  commonRuleSet: 'count',
};

/** The web ACL alone, in a bare us-east-1 stack (no functions to bundle). */
export function webAcl(managedRules: ManagedRuleActions = DEFAULT_ACTIONS): Json {
  const stack = new Stack(new App(), 'Waf', { env: { region: 'us-east-1' } });
  new WebAcl(stack, 'Waf', { name: 'ravn-activate', managedRules });
  return onlyResource(Template.fromStack(stack), 'AWS::WAFv2::WebACL').properties;
}

export const ruleNamed = (acl: Json, name: string): Json =>
  acl.Rules.find((rule: Json) => rule.Name === name);

/** The webhook's path as written, untransformed: what the function routes. */
export const webhookOnly = {
  ByteMatchStatement: {
    FieldToMatch: { UriPath: {} },
    PositionalConstraint: 'EXACTLY',
    SearchString: '/v1/webhook',
    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
  },
};

export const notWebhook = { NotStatement: { Statement: webhookOnly } };

export const rateLimited = {
  Block: {
    CustomResponse: {
      ResponseCode: 429,
      CustomResponseBodyKey: 'RateLimited',
      ResponseHeaders: [
        { Name: 'Retry-After', Value: '300' },
        { Name: 'Cache-Control', Value: 'no-store' },
      ],
    },
  },
};

export const requestBlocked = {
  Block: {
    CustomResponse: {
      ResponseCode: 403,
      CustomResponseBodyKey: 'RequestBlocked',
      ResponseHeaders: [{ Name: 'Cache-Control', Value: 'no-store' }],
    },
  },
};

import { Stack, Validations } from 'aws-cdk-lib';
// cdk-nag's own flattening, so an acknowledgement names a finding exactly as the rule reports it.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** Acknowledges cdk-nag AwsSolutions rule `rule` (e.g. `L1`) on `scope` and its children. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/**
 * Acknowledges the IAM5 finding for one wildcard resource (an ARN, tokens allowed) on `scope`
 * and its children, leaving any other wildcard in the same policy reported.
 */
export function acknowledgeWildcardResource(
  scope: IConstruct,
  resource: string,
  reason: string,
): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  acknowledge(scope, `IAM5[Resource::${flat}]`, reason);
}

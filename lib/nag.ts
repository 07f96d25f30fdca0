import { Stack, Validations } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
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

/**
 * Acknowledges cdk-nag's L1 ("not the latest runtime") on `scope` only while `runtime` is
 * `Runtime.NODEJS_LATEST`, the newest Node runtime the CDK knows to be available in every
 * region. L1 compares with the newest Node runtime the CDK lists at all, and aws-cdk-lib 2.278
 * lists nodejs26.x before calling it available everywhere. Once the CDK moves NODEJS_LATEST past
 * `runtime`, the acknowledgement lapses and synthesis fails until the functions move too.
 */
export function acknowledgeLatestRuntime(scope: IConstruct, runtime: Runtime): void {
  if (!runtime.runtimeEquals(Runtime.NODEJS_LATEST)) return;
  acknowledge(
    scope,
    'L1',
    `${runtime.name} is the newest Node.js runtime available in every region (the CDK's Runtime.NODEJS_LATEST); newer ones the CDK lists are not yet.`,
  );
}

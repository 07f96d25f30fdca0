import type { Template } from 'aws-cdk-lib/assertions';
import { onlyResource } from '#test/infra/template-queries.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is read freely, then asserted.
type Json = any;

/** The functions behind CloudFront, released through their `live` alias. */
export const RELEASED = ['ravn-activate', 'ravn-validate', 'ravn-webhook'] as const;

/** The function, its version, its alias and its alias's URL: logical id and properties of each. */
export function released(template: Template, name: string) {
  const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: name });
  const version = onlyResource(template, 'AWS::Lambda::Version', {
    FunctionName: { Ref: fn.id },
  });
  const alias = onlyResource(template, 'AWS::Lambda::Alias', { FunctionName: { Ref: fn.id } });
  const url = onlyResource(template, 'AWS::Lambda::Url', {
    TargetFunctionArn: { 'Fn::GetAtt': [fn.id, 'Arn'] },
  });
  return { fn, version, alias, url };
}

/** The deployment group that moves `name`'s alias, named by the alias's update policy. */
export function deploymentGroupOf(
  template: Template,
  name: string,
): { id: string; properties: Json } {
  const { alias } = released(template, name);
  const aliasResource = template.toJSON().Resources[alias.id];
  const groupId = aliasResource.UpdatePolicy.CodeDeployLambdaAliasUpdate.DeploymentGroupName.Ref;
  return { id: groupId, properties: template.toJSON().Resources[groupId].Properties };
}

/** The logical id of the alarm named `alarmName`. */
export function alarmId(template: Template, alarmName: string): string {
  return onlyResource(template, 'AWS::CloudWatch::Alarm', { AlarmName: alarmName }).id;
}

/** How many resources of each type the template has. */
export function resourceCounts(template: Template): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of Object.values(template.toJSON().Resources) as Json[]) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

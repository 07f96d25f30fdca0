import type { Template } from 'aws-cdk-lib/assertions';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is read freely, then asserted.
type Json = any;

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: Json;
  Condition?: Json;
}

/** The one resource of `type` whose properties include `properties`; throws unless exactly one. */
export function onlyResource(
  template: Template,
  type: string,
  properties: Record<string, unknown> = {},
): { id: string; properties: Json } {
  const found = Object.entries(template.findResources(type, { Properties: properties }));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0] as [string, Json];
  return { id, properties: resource.Properties };
}

/** Every statement of the policies attached to the execution role of function `functionName`. */
export function statementsOf(template: Template, functionName: string): Statement[] {
  const fn = onlyResource(template, 'AWS::Lambda::Function', { FunctionName: functionName });
  const roleId = fn.properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy: Json) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
    .flatMap((policy: Json) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** Statements with an action of `service` (e.g. `dynamodb`). */
export function statementsFor(statements: Statement[], service: string): Statement[] {
  return statements.filter((statement) =>
    actionsOf(statement).some((a) => a.startsWith(`${service}:`)),
  );
}

export function actionsOf(statement: Statement): string[] {
  return [statement.Action].flat().sort();
}

export function resourcesOf(statement: Statement): Json[] {
  return [statement.Resource].flat();
}

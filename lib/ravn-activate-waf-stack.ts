import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ManagedRuleActions } from '#config/waf.ts';
import { WebAcl } from './constructs/web-acl.ts';

/** The CloudFront web ACL, in us-east-1, for a service stack deployed in another region. */
export class RavnActivateWafStack extends Stack {
  readonly webAcl: WebAcl;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & {
      readonly webAclName: string;
      readonly managedRules: ManagedRuleActions;
    },
  ) {
    super(scope, id, props);
    this.webAcl = new WebAcl(this, 'Waf', {
      name: props.webAclName,
      managedRules: props.managedRules,
    });
  }
}

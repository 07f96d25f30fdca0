import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type DeploySettings, EDGE_REGION } from '#config/deploy-settings.ts';
import { RavnActivateEdgeAlarmsStack } from './ravn-activate-edge-alarms-stack.ts';
import { RavnActivateStack, WEB_ACL_NAME } from './ravn-activate-stack.ts';
import { RavnActivateWafStack } from './ravn-activate-waf-stack.ts';

/** The stacks `buildApp` makes, for tests and tools. */
export interface RavnActivateApp {
  readonly app: App;
  readonly service: RavnActivateStack;
  /** us-east-1 web ACL stack: only with WAF on and the service outside us-east-1. */
  readonly waf?: RavnActivateWafStack;
  /** us-east-1 CloudFront/WAF alarms: only with the service outside us-east-1. */
  readonly edgeAlarms?: RavnActivateEdgeAlarmsStack;
}

/**
 * Adds the service to `app` for `settings` and registers cdk-nag's AwsSolutions checks, which
 * fail synthesis on any finding not fixed or acknowledged with a reason.
 *
 * CloudFront takes web ACLs from us-east-1 and publishes its metrics there. A service in
 * us-east-1 is one stack. Elsewhere: `RavnActivateWaf` (us-east-1, before) gives the service the
 * web ACL, and `RavnActivateEdgeAlarms` (us-east-1, after) watches the distribution; two stacks,
 * because the ACL must exist before the distribution and the alarms need the distribution.
 */
export function composeApp(app: App, settings: DeploySettings): RavnActivateApp {
  const account = settings.account;
  const atEdge = settings.region === EDGE_REGION;
  const edgeEnv = { account, region: EDGE_REGION };

  const waf =
    settings.enableWaf && !atEdge
      ? new RavnActivateWafStack(app, 'RavnActivateWaf', {
          env: edgeEnv,
          crossRegionReferences: true,
          description: 'ravn-activate: CloudFront web ACL (us-east-1)',
          webAclName: WEB_ACL_NAME,
          managedRules: settings.wafManagedRules,
        })
      : undefined;
  const service = new RavnActivateStack(app, 'RavnActivate', {
    env: { account, region: settings.region },
    crossRegionReferences: !atEdge,
    description: 'ravn-activate: license activation API (CloudFront, Lambda, DynamoDB)',
    settings,
    webAclArn: waf?.webAcl.arn,
  });
  const edgeAlarms = atEdge
    ? undefined
    : new RavnActivateEdgeAlarmsStack(app, 'RavnActivateEdgeAlarms', {
        env: edgeEnv,
        crossRegionReferences: true,
        description: 'ravn-activate: CloudFront and WAF alarms (us-east-1)',
        distributionId: service.distributionId,
        webAclName: waf?.webAcl.name,
        alarmEmail: settings.alarmEmail,
      });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, service, ...(waf ? { waf } : {}), ...(edgeAlarms ? { edgeAlarms } : {}) };
}

/** A new app with the service for `settings` (tests pass `context` and `outdir`). */
export function buildApp(settings: DeploySettings, props?: AppProps): RavnActivateApp {
  return composeApp(new App(props), settings);
}

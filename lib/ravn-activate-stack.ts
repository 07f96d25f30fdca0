import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type DeploySettings, EDGE_REGION } from '#config/deploy-settings.ts';
import { WEBHOOK_PATH } from '#config/routes.ts';
import { AdminApi } from './constructs/admin-api.ts';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { ApiFunctions } from './constructs/api-functions.ts';
import { CanaryRelease } from './constructs/canary-release.ts';
import { ServiceDashboard } from './constructs/dashboard.ts';
import { Edge } from './constructs/edge.ts';
import { EdgeAlarms } from './constructs/edge-alarms.ts';
import { LicenseTable } from './constructs/license-table.ts';
import { MetricAlarms } from './constructs/metric-alarms.ts';
import { KeyReaper, Reconciler } from './constructs/scheduled-jobs.ts';
import { ServiceAlarms } from './constructs/service-alarms.ts';
import { ServiceSecrets } from './constructs/service-secrets.ts';
import { WebAcl } from './constructs/web-acl.ts';
import { warnAboutCors } from './cors-warnings.ts';

/** Name of the CloudFront web ACL, wherever it is created. */
export const WEB_ACL_NAME = 'ravn-activate';

export interface RavnActivateStackProps extends StackProps {
  readonly settings: DeploySettings;
  /** A web ACL made by the us-east-1 WAF stack, when this stack lives in another region. */
  readonly webAclArn?: string | undefined;
}

/**
 * The service: table, secrets, three functions behind CloudFront released by CodeDeploy, the
 * scheduled key reaper and reconciler, the admin API, alarms and the operators' dashboard. In
 * us-east-1 it also holds the web ACL (when WAF is on) and the edge alarms; elsewhere those live
 * in small us-east-1 stacks (see lib/app.ts).
 */
export class RavnActivateStack extends Stack {
  readonly distributionId: string;

  constructor(scope: Construct, id: string, props: RavnActivateStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const atEdge = this.region === EDGE_REGION;

    const data = new LicenseTable(this, 'LicenseTable');
    const secrets = new ServiceSecrets(this, 'Secrets');
    const api = new ApiFunctions(this, 'Api', {
      table: data.table,
      secrets,
      corsOrigins: settings.corsOrigins,
      reservedConcurrency: settings.reservedConcurrency,
    });
    const reaper = new KeyReaper(this, 'KeyReaper', {
      table: data.table,
      secrets,
      reservedConcurrency: settings.reservedConcurrency.reaper,
    });
    const reconciler = new Reconciler(this, 'Reconciler', {
      table: data.table,
      secrets,
      reservedConcurrency: settings.reservedConcurrency.reconciler,
    });
    // Not an origin of the distribution below: operators call its own AWS_IAM URL.
    const admin = new AdminApi(this, 'Admin', { table: data.table, secrets });
    const webAcl =
      settings.enableWaf && atEdge
        ? new WebAcl(this, 'Waf', { name: WEB_ACL_NAME, managedRules: settings.wafManagedRules })
        : undefined;
    warnAboutCors(this, settings);
    const edge = new Edge(this, 'Edge', {
      origins: { activate: api.activate.url, validate: api.validate.url, webhook: api.webhook.url },
      originSecret: secrets.originSecret,
      corsOrigins: settings.corsOrigins,
      domain:
        settings.domainName && settings.certificateArn
          ? { name: settings.domainName, certificateArn: settings.certificateArn }
          : undefined,
      webAclArn: webAcl?.arn ?? props.webAclArn,
      originSecretRotation: settings.originSecretRotation,
    });
    this.distributionId = edge.distribution.distributionId;

    const action = settings.alarmEmail
      ? new AlarmTopic(this, 'Alarms', { email: settings.alarmEmail }).action
      : undefined;
    const serviceAlarms = new ServiceAlarms(this, 'ServiceAlarms', {
      functions: Object.fromEntries(
        [...api.all(), reaper.fn, reconciler.fn, admin.fn].map((fn) => [fn.name, fn]),
      ),
      behindCloudFront: api.all().map((fn) => fn.name),
      table: data.table,
      action,
    });
    // Only the functions behind CloudFront: see CanaryRelease for why the others are not.
    const release = new CanaryRelease(this, 'Release', {
      strategy: settings.releaseStrategy,
      functions: api.released().map(({ fn, alias }) => ({
        name: fn.name,
        alias,
        alarms: serviceAlarms.byFunction.get(fn.name) ?? [],
      })),
    });
    const edgeAlarms = atEdge
      ? new EdgeAlarms(this, 'EdgeAlarms', {
          distributionId: this.distributionId,
          webAclName: webAcl?.name,
          action,
        })
      : undefined;
    const metricAlarms = new MetricAlarms(this, 'MetricAlarms', {
      creditUsdPerHour: settings.creditAlarmUsdPerHour,
      refusalLicenses: settings.refusalAlarmLicenses,
      action,
    });
    new ServiceDashboard(this, 'Dashboard', {
      alarms: [serviceAlarms, edgeAlarms, metricAlarms, release].flatMap(
        (group) => group?.alarms ?? [],
      ),
      metricAlarms,
    });

    new CfnOutput(this, 'DistributionDomainName', {
      description: 'CloudFront domain: the CNAME target of the custom domain',
      value: edge.distribution.distributionDomainName,
    });
    new CfnOutput(this, 'TableName', {
      description: 'DynamoDB table of licenses, trials and webhook deliveries',
      value: data.table.tableName,
    });
    new CfnOutput(this, 'WebhookUrl', {
      description: 'LemonSqueezy webhook URL (Settings → Webhooks)',
      value: `https://${edge.publicDomainName}${WEBHOOK_PATH}`,
    });
  }
}

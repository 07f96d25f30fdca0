import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  Alias,
  type FunctionUrl,
  FunctionUrlAuthType,
  type FunctionUrlOptions,
  HttpMethod,
} from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CORS_PREFLIGHT } from '#config/edge.ts';
import { LIVE_ALIAS } from '#config/release.ts';
import { type FunctionName, methodOf, pathsOf } from '#config/routes.ts';
import { acknowledgeWildcardResource } from '../nag.ts';
import { ServiceFunction } from './service-function.ts';
import { PARAMETER_NAMES, type ServiceSecrets } from './service-secrets.ts';

export interface ApiFunctionsProps {
  readonly table: ITable;
  readonly secrets: ServiceSecrets;
  /** Origins a browser may call the API from; empty: the URLs answer no preflight (no CORS). */
  readonly corsOrigins: readonly string[];
  /** Reserved concurrency per function (config/concurrency.ts); 0 reserves none. */
  readonly reservedConcurrency: Readonly<Record<FunctionName, number>>;
}

/** One function of the API: its `live` alias and the alias's URL, CloudFront's origin. */
export interface ApiFunction {
  readonly fn: ServiceFunction;
  /** Points at the version requests run; CodeDeploy moves it on a release (canary-release.ts). */
  readonly alias: Alias;
  readonly url: FunctionUrl;
}

/**
 * The three Lambda functions behind the API, each allowed exactly the table actions and
 * secrets its code uses. Each deploy publishes a version of each; its URL belongs to the `live`
 * alias, so a release moves the alias and never the URL. The URLs are public (AuthType NONE:
 * CloudFront origin access control would need clients to sign POST bodies); the origin guard in
 * the code answers 403 to a request without CloudFront's `x-origin-verify` header.
 */
export class ApiFunctions extends Construct {
  /** `/v1/trial`, `/v1/activate`, and 404 for unknown paths. */
  readonly activate: ApiFunction;
  /** `/v1/validate`, `/v1/devices` and `GET /v1/keys` (the lease keys). */
  readonly validate: ApiFunction;
  /** `/v1/webhook`, LemonSqueezy's signed events. */
  readonly webhook: ApiFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionsProps) {
    super(scope, id);
    const { table, secrets } = props;
    const environment = {
      TABLE_NAME: table.tableName,
      LEMONSQUEEZY_API_KEY_PARAM: PARAMETER_NAMES.lemonSqueezyApiKey,
      OPENROUTER_API_KEY_PARAM: PARAMETER_NAMES.openRouterApiKey,
      WEBHOOK_SECRET_PARAM: PARAMETER_NAMES.webhookSecret,
      ORIGIN_SECRET_ARN: secrets.originSecret.secretArn,
      POWERTOOLS_SERVICE_NAME: 'ravn-activate',
      LOG_LEVEL: 'INFO',
    };
    // Only the functions that answer licenses sign leases, so only they name the key set.
    const signing = { SIGNING_KEY_PARAM: PARAMETER_NAMES.signingKey };
    const make = (
      name: FunctionName,
      fnId: string,
      functionName: string,
      extraEnvironment: Record<string, string> = {},
    ) => {
      const routes = pathsOf(name).map((path) => `${methodOf(path)} ${path}`);
      const fn = new ServiceFunction(this, fnId, {
        functionName,
        handlerFile: `${name}.ts`,
        description: `${functionName}: ${routes.join(', ')}`,
        environment: { ...environment, ...extraEnvironment },
        reservedConcurrency: props.reservedConcurrency[name],
      });
      secrets.grantOriginSecret(fn);
      acknowledgeWildcardResource(
        fn.executionRole,
        `${table.tableArn}/index/*`,
        'CDK adds the index ARNs to every grant on a table with a GSI; the granted item actions (GetItem, PutItem, UpdateItem, …) do not apply to indexes and no Query or Scan is granted, so this adds no access.',
      );
      return fn;
    };

    const activate = make('activate', 'Activate', 'ravn-activate', signing);
    // A trial is one TransactWriteItems of three conditional Puts: IAM authorises each action
    // it contains (PutItem), not the transaction.
    table.grant(
      activate,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    );
    secrets.grantParameters(activate, ['lemonSqueezyApiKey', 'openRouterApiKey', 'signingKey']);

    const validate = make('validate', 'Validate', 'ravn-validate', signing);
    // PutItem: the audit record of a key it issues or enables again (the license item itself is
    // only ever updated).
    table.grant(validate, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    secrets.grantParameters(validate, ['lemonSqueezyApiKey', 'openRouterApiKey', 'signingKey']);

    const webhook = make('webhook', 'Webhook', 'ravn-webhook');
    table.grant(
      webhook,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
    secrets.grantParameters(webhook, ['webhookSecret', 'lemonSqueezyApiKey', 'openRouterApiKey']);

    // With origins listed, the function URL answers CORS preflights itself (CloudFront only adds
    // headers to what the origin returns, and the code answers 405 to OPTIONS). Without, a URL
    // has no CORS settings: OPTIONS reaches the code, which refuses it. The webhook is server to
    // server and never has CORS.
    const browser: FunctionUrlOptions =
      props.corsOrigins.length > 0
        ? {
            authType: FunctionUrlAuthType.NONE,
            cors: {
              allowedOrigins: [...props.corsOrigins],
              allowedMethods: [HttpMethod.POST],
              allowedHeaders: [...CORS_PREFLIGHT.allowHeaders],
              maxAge: Duration.seconds(CORS_PREFLIGHT.maxAgeSeconds),
            },
          }
        : { authType: FunctionUrlAuthType.NONE };
    this.activate = this.live(activate, 'Activate', browser);
    this.validate = this.live(validate, 'Validate', browser);
    this.webhook = this.live(webhook, 'Webhook', { authType: FunctionUrlAuthType.NONE });
  }

  /** The three functions, for alarms and checks over all of them. */
  all(): ServiceFunction[] {
    return [this.activate.fn, this.validate.fn, this.webhook.fn];
  }

  /** The three with their aliases, for the release that moves them. */
  released(): ApiFunction[] {
    return [this.activate, this.validate, this.webhook];
  }

  /**
   * The function's version of this deploy (a new one whenever its code or configuration
   * changes; the old ones are kept, so an operator can point the alias back), its `live` alias
   * and the alias's URL. Reserved concurrency stays the function's: all its versions share it,
   * the old and the new one of a canary too.
   */
  private live(fn: ServiceFunction, fnId: string, url: FunctionUrlOptions): ApiFunction {
    const alias = new Alias(this, `${fnId}Live`, {
      aliasName: LIVE_ALIAS,
      version: fn.currentVersion,
      description: `What ${fn.name}'s function URL runs; moved by CodeDeploy on a release`,
    });
    return { fn, alias, url: alias.addFunctionUrl(url) };
  }
}

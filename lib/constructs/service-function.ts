import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildEnvironment } from '#config/build-info.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '#config/time-budget.ts';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';

/** The repository root: function entries and the edge function source are named from it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Long enough for the slowest request: an activation may make five upstream calls in a row
 * (validate, order, subscription, activate, create key), each cut off at UPSTREAM_TIMEOUT_MS
 * (5 s). It stays below CloudFront's origin read timeout, so the function, not CloudFront,
 * answers a slow request (config/time-budget.ts).
 */
export const FUNCTION_TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT_SECONDS);

export interface ServiceFunctionProps {
  /** Physical name; the log group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  /** File under `lambda/handlers/` that exports `handler`. */
  readonly handlerFile: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  /** Concurrent executions reserved for the function, and its cap; 0 or absent reserves none. */
  readonly reservedConcurrency?: number | undefined;
  /** Defaults to FUNCTION_TIMEOUT, which fits behind CloudFront; only a scheduled job sets more. */
  readonly timeout?: Duration;
}

/**
 * A function of this service with the house defaults: Node 22 on ARM64, one minified ESM bundle
 * built by the local esbuild (the AWS SDK v3 comes from the runtime), source maps, active
 * tracing, its own log group kept 30 days,
 * and a role that may write to that log group only (instead of AWSLambdaBasicExecutionRole's
 * logs permissions on every group).
 */
export class ServiceFunction extends NodejsFunction {
  /** The physical name as a plain string (`functionName` is a CloudFormation reference). */
  readonly name: string;
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: RetentionDays.ONE_MONTH,
      // The name is fixed: a group retained after `cdk destroy` would make the next deploy fail.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      functionName: props.functionName,
      description: props.description,
      entry: `${PROJECT_ROOT}lambda/handlers/${props.handlerFile}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}pnpm-lock.yaml`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? FUNCTION_TIMEOUT,
      // 0 must mean "no reservation": Lambda reads a reservation of 0 as "throttle every call".
      reservedConcurrentExecutions: props.reservedConcurrency || undefined,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      // The build (version, commit) for `GET /health` and anyone reading the console.
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...buildEnvironment(),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Node 22 runtime ships AWS SDK v3; bundling it would triple the bundle (≈950 KB
        // against ≈170 KB) and the cold start with it.
        externalModules: ['@aws-sdk/*'],
      },
    });
    this.name = props.functionName;
    this.executionRole = role;

    acknowledge(
      this,
      'L1',
      'Node 22 is the runtime the service is built for and tested on (esbuild target node22, CI on Node 22); moving to a newer runtime is a deliberate, tested upgrade.',
    );
    acknowledgeWildcardResource(
      role,
      '*',
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so X-Ray requires Resource "*".',
    );
  }
}

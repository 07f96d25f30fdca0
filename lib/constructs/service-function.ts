import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { buildEnvironment } from '#config/build-info.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '#config/time-budget.ts';
import { acknowledgeLatestRuntime, acknowledgeWildcardResource } from '../nag.ts';
import { splitBundling } from './split-bundling.ts';

/** The repository root: function entries and the edge function source are named from it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Long enough for the slowest request: an activation may make five upstream calls in a row
 * (validate, order, subscription, activate, create key), each cut off at UPSTREAM_TIMEOUT_MS
 * (5 s). It stays below CloudFront's origin read timeout, so the function, not CloudFront,
 * answers a slow request (config/time-budget.ts).
 */
export const FUNCTION_TIMEOUT = Duration.seconds(FUNCTION_TIMEOUT_SECONDS);

/**
 * The Lambda runtime of every function: Node 24, supported by AWS until 2028-04-30 (Node 22's
 * runtime is deprecated on 2027-04-30). The project's own `node` dev dependency and CI run the
 * same major, so the tests run on the Node the functions get.
 */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** esbuild's target for FUNCTION_RUNTIME (bench/bundles.ts and the tests build with the same). */
export const BUNDLE_TARGET = 'node24';

/**
 * esbuild aliases for every function's bundle (bench/bundles.ts builds with the same), relative
 * to the project root, where esbuild runs. The bundled SDK imports `node:http` as an ES module;
 * Node then reads every export of the module to build its namespace, and its lazy `WebSocket`
 * getters load undici, which nothing here uses: ≈12 ms of every cold import on Node 22
 * (bench/bundles.ts, 95 → 83 ms for validate), still so on Node 24.21 (`pnpm bench:alias`,
 * median of 21 paired fresh processes: 14–26 ms saved per function, validate 131 → 117 ms, and
 * undici loaded only without the alias). The alias hands the SDK Node's own `http` module as
 * CommonJS (lambda/handlers/node-http.cts), whose properties are read only when used.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  http: './lambda/handlers/node-http.cts',
  'node:http': './lambda/handlers/node-http.cts',
};

/**
 * The esbuild options every function's bundle is built with (`functionBuild` adds the entry,
 * code splitting and the source maps), run from the project root as NodejsFunction runs
 * esbuild; bench/bundles.ts and the infra tests build with the same, and
 * test/infra/deployed-bundles.test.ts checks that the deployed bundles are theirs, byte for byte.
 */
export const HANDLER_BUILD = {
  absWorkingDir: PROJECT_ROOT.replace(/\/$/, ''),
  alias: BUNDLE_ALIASES,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: BUNDLE_TARGET,
  mainFields: ['module', 'main'],
} as const satisfies BuildOptions;

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
 * A function of this service with the house defaults: Node 24 on ARM64, a minified ESM bundle
 * built by the local esbuild with the AWS SDK v3 inside, split into the handler's file and the
 * chunks its routes load on first use (split-bundling.ts), source maps beside them (not loaded at
 * start), active tracing, its own log group kept 30 days,
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
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? FUNCTION_TIMEOUT,
      // 0 must mean "no reservation": Lambda reads a reservation of 0 as "throttle every call".
      reservedConcurrentExecutions: props.reservedConcurrency || undefined,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      // For the functions that publish versions (api-functions.ts): a deploy keeps the version
      // before it, so an operator can point the alias back to it (docs/runbook.md).
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
      // The build (version, commit) for `GET /health` and anyone reading the console. No
      // NODE_OPTIONS: see `sourceMap` below.
      environment: {
        ...buildEnvironment(),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        minify: true,
        // The map is written beside the bundle, but Node does not load it. With the SDK inside,
        // the map is ≈1.1 MB, and NODE_OPTIONS=--enable-source-maps, which makes Node read and
        // parse it before the handler module runs, added 11–13 ms to every function's cold
        // import (bench/bundles.ts on Node 22, median of 15 paired fresh processes: 85–92 ms
        // without, 97–105 ms with), over the 10 ms we allow it. Stack traces in the logs
        // therefore name positions in index.mjs and its chunks. To read one, set
        // NODE_OPTIONS=--enable-source-maps on the function for the incident (a configuration
        // change, published to the `live` alias for the three behind CloudFront: docs/runbook.md;
        // the deployed package holds the map of exactly its bundle), or decode it
        // offline with the map of the same commit (`cdk synth`; bench/bundles.ts builds the
        // same code and map into bench/tmp/bundles/sdk-bundled/). The map costs package size
        // only (validate zipped: ≈200 KB without it, ≈470 KB with it), not init time.
        sourceMap: true,
        sourcesContent: false,
        // The AWS SDK goes into the bundle (AWS's advice for Node.js functions): tree-shaken to
        // the clients and commands we use (≈436 KB, `sdkBytes` in bench/results.json), bundled
        // and minified it loads much faster than the runtime's copy resolved and compiled file
        // by file from its node_modules (bench/results.md: the sdk-external bundles' cold
        // import() takes about 3× as long), and the function no longer changes with the
        // runtime's SDK version. Bundles grow to 660–850 KB; what is not the SDK keeps the
        // budget in bench/targets.ts (300 KB, activate 400 KB).
        externalModules: [],
        esbuildArgs: {
          '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`),
        },
        // Then the same build with code splitting replaces the one file (split-bundling.ts).
        commandHooks: splitBundling(HANDLER_BUILD, `lambda/handlers/${props.handlerFile}`),
      },
    });
    this.name = props.functionName;
    this.executionRole = role;

    acknowledgeLatestRuntime(this, FUNCTION_RUNTIME);
    acknowledgeWildcardResource(
      role,
      '*',
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so X-Ray requires Resource "*".',
    );
  }
}

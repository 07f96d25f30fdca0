import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { buildEnvironment } from '#config/build-info.ts';
import { ORIGIN_HEADER } from '#config/edge.ts';
import { jsonEvent } from '#local/api-event.ts';
import { PARAMETER_NAMES } from '../lib/constructs/service-secrets.ts';
import { startAwsSecretsDouble } from './aws-secrets-double.ts';
import { bundleFile, deployedBuild } from './bundles.ts';
import { licenseItemKey, seedActivatedLicenses } from './seed.ts';
import { startBenchStack } from './stack.ts';
import { median } from './stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ORIGIN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-origin';
/** Marks the child's timing line among the function's own log lines on stdout. */
const MARK = '@@first-answer ';

export interface ColdCall {
  importMs: number;
  /** The first invocation, from the import's end to its answer. */
  firstMs: number;
  totalMs: number;
  /** CPU time of the child over both (all its threads): steadier than wall time on a busy machine. */
  cpuMs: number;
}

/**
 * What a client waits for when its request meets a cold function: the cold import plus the
 * first answer, in fresh Node processes, the deployed validate bundle against the floor bundle
 * (bench/floor-handler.ts: its cold import plus its first GetItem), interleaved. The validate
 * child runs with the deployed environment (lib/constructs/api-functions.ts): secrets named by
 * SSM parameter and Secrets Manager ARN, read from a double of those services, the origin
 * header checked, the lease signed, INFO logs; DynamoDB Local holds a SaaS license activated a
 * moment before, so the validate is served from the table as most are. Both reach DynamoDB
 * through the SDK's default credentials and `AWS_ENDPOINT_URL_DYNAMODB`, as a function does.
 */
export async function measureFirstAnswer(dynamoDbEndpoint: string, runs: number) {
  const bench = await prepareColdCalls(dynamoDbEndpoint);
  try {
    const floor = bench.floor();
    const validate = bench.validate(bundleFile(deployedBuild().variant, 'validate'));
    const timings = { floor: [] as ColdCall[], validate: [] as ColdCall[] };
    for (let run = 0; run < runs; run += 1) {
      timings.floor.push(await coldCall(floor));
      timings.validate.push(await coldCall(validate));
    }
    const floorSummary = summary(timings.floor);
    const validateSummary = summary(timings.validate);
    return {
      runs,
      floor: floorSummary,
      validate: validateSummary,
      /** Cold import + first answer, validate's median over the floor's. */
      ratio: validateSummary.totalMs / floorSummary.totalMs,
      /** The same ratio run by run (floor and validate back to back), for the spread. */
      runRatios: timings.validate.map(
        (call, index) => call.totalMs / (timings.floor[index] as ColdCall).totalMs,
      ),
      secretReads: Object.fromEntries(bench.secretReads()),
    };
  } finally {
    await bench.close();
  }
}

/** Medians of cold calls. */
export function summary(calls: ColdCall[]) {
  return {
    importMs: median(calls.map((c) => c.importMs)),
    firstMs: median(calls.map((c) => c.firstMs)),
    totalMs: median(calls.map((c) => c.totalMs)),
    cpuMs: median(calls.map((c) => c.cpuMs)),
  };
}

export interface ColdTarget {
  file: string;
  env: Record<string, string>;
  event: unknown;
}

/**
 * What the cold calls need: a table with a SaaS license activated a moment before, the secrets
 * double, and the floor's and a validate bundle's environment and event.
 */
export async function prepareColdCalls(dynamoDbEndpoint: string) {
  const stack = await startBenchStack(dynamoDbEndpoint);
  const originSecret = randomBytes(24).toString('hex');
  const secrets = await startAwsSecretsDouble(
    {
      [PARAMETER_NAMES.lemonSqueezyApiKey]: 'sandbox-lemonsqueezy-api-key',
      [PARAMETER_NAMES.openRouterApiKey]: 'sandbox-openrouter-management-key',
      [PARAMETER_NAMES.webhookSecret]: 'sandbox-webhook-secret',
      [PARAMETER_NAMES.signingKey]: serializeKeySet(rotateKeySet(undefined, new Date())),
    },
    { [ORIGIN_SECRET_ARN]: originSecret },
  );
  const close = async () => {
    await secrets.close();
    await stack.close();
  };
  try {
    const [license] = await seedActivatedLicenses(stack, 1);
    if (!license) throw new Error('no license seeded');
    const aws = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      // DynamoDB Local keeps one database per access key: the one the bench stack's tables are in.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
      TABLE_NAME: stack.tableName,
    };
    return {
      floor: (): ColdTarget => ({
        file: bundleFile('floor', 'floor'),
        env: aws,
        event: { key: licenseItemKey(license) },
      }),
      validate: (file: string): ColdTarget => ({
        file,
        env: {
          ...aws,
          ...buildEnvironment(),
          AWS_ENDPOINT_URL_SSM: secrets.url,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
          AWS_LAMBDA_FUNCTION_NAME: 'ravn-validate',
          LEMONSQUEEZY_API_KEY_PARAM: PARAMETER_NAMES.lemonSqueezyApiKey,
          OPENROUTER_API_KEY_PARAM: PARAMETER_NAMES.openRouterApiKey,
          WEBHOOK_SECRET_PARAM: PARAMETER_NAMES.webhookSecret,
          SIGNING_KEY_PARAM: PARAMETER_NAMES.signingKey,
          ORIGIN_SECRET_ARN,
          POWERTOOLS_SERVICE_NAME: 'ravn-activate',
          LOG_LEVEL: 'INFO',
          LEMONSQUEEZY_BASE_URL: stack.lemonSqueezy.url,
          OPENROUTER_BASE_URL: stack.openRouter.url,
          // DynamoDB Local is a JVM on this shared machine: no retry may blur a slow answer.
          DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
        },
        event: jsonEvent(
          '/v1/validate',
          { licenseKey: license.key },
          { [ORIGIN_HEADER]: originSecret },
        ),
      }),
      secretReads: () => secrets.calls,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export type FirstAnswerResult = Awaited<ReturnType<typeof measureFirstAnswer>>;

/** One fresh process: import the bundle, call its handler once; anything but 200 throws. */
export function coldCall(target: ColdTarget): Promise<ColdCall> {
  const script = [
    'const c0 = process.cpuUsage();',
    'const t0 = performance.now();',
    `const { handler } = await import(${JSON.stringify(pathToFileURL(target.file).href)});`,
    'const t1 = performance.now();',
    `const result = await handler(JSON.parse(process.env.BENCH_EVENT), { awsRequestId: 'cold' });`,
    'const t2 = performance.now();',
    'const c = process.cpuUsage(c0);',
    `process.stdout.write('\\n${MARK}' + JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, cpuMs: (c.user + c.system) / 1000, status: result.statusCode }) + '\\n');`,
    'process.exit(0);',
  ].join('\n');
  return new Promise<ColdCall>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: `${ROOT}bench/tmp`,
      env: { ...target.env, BENCH_EVENT: JSON.stringify(target.event) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      const timing = line
        ? (JSON.parse(line.slice(MARK.length)) as Omit<ColdCall, 'totalMs'> & { status: number })
        : undefined;
      if (code !== 0 || timing?.status !== 200) {
        const said = `${out.slice(-400)} ${err.slice(-600)}`;
        reject(new Error(`cold call of ${target.file} failed (${code}): ${said}`));
      } else {
        const { importMs, firstMs, cpuMs } = timing;
        resolve({ importMs, firstMs, totalMs: importMs + firstMs, cpuMs });
      }
    });
  });
}

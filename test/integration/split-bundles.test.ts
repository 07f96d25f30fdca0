import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { functionBuild } from '#lib/constructs/split-bundling.ts';
import { apiEvent, jsonEvent } from '#local/api-event.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { loadWebhookFixture, signWebhook } from '#local/webhook-sender.ts';
import {
  deviceId,
  freshEmail,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';
import { HANDLER_BUILD } from '../../bench/bundles.ts';

const run = promisify(execFile);
const MARK = '@@answers ';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Runs `events` through the handler of a built bundle in one fresh Node process, one after
 * another, as a cold Lambda function would: the import, then each request loading the chunks it
 * needs. The function talks to the test stack's table and doubles with the sandbox secrets.
 */
async function coldFunction(
  stack: TestStack,
  entry: string,
  events: APIGatewayProxyEventV2[],
): Promise<Answer[]> {
  const script = [
    `const { handler } = await import(${JSON.stringify(join(outdir, entry, 'index.mjs'))});`,
    'const answers = [];',
    'for (const event of JSON.parse(process.env.EVENTS)) {',
    "  const result = await handler(event, { awsRequestId: 'split-check' });",
    "  answers.push({ status: result.statusCode, body: JSON.parse(result.body ?? 'null') });",
    '}',
    `process.stdout.write('\\n${MARK}' + JSON.stringify(answers) + '\\n', () => process.exit(0));`,
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      EVENTS: JSON.stringify(events),
      AWS_REGION: 'us-east-1',
      TABLE_NAME: stack.tableName,
      DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'),
      DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
      LEMONSQUEEZY_BASE_URL: stack.lemonSqueezy.url,
      OPENROUTER_BASE_URL: stack.openRouter.url,
      ...SANDBOX_SECRETS,
      SIGNING_KEY: signingKey,
      LEMONSQUEEZY_BUDGET_PER_MINUTE: '0',
      RATE_LIMITS: 'off',
      LOG_LEVEL: 'SILENT',
    },
  });
  const line = stdout.split('\n').find((text) => text.startsWith(MARK)) ?? '';
  return JSON.parse(line.slice(MARK.length)) as Answer[];
}

const outdir = mkdtempSync(join(tmpdir(), 'ravn-split-'));
const signingKey = serializeKeySet(rotateKeySet(undefined, new Date()));

/**
 * The API functions as the CDK app bundles them (split into index.mjs and chunks, the SDK
 * inside), each answering every one of its routes from a fresh process: a route whose chunk
 * failed to load, or loaded in an order that broke it, would answer otherwise.
 */
describe('split bundles', () => {
  const stack = useTestStack();

  beforeAll(async () => {
    await Promise.all(
      ['activate', 'validate', 'webhook'].map((entry) =>
        build({
          ...functionBuild(HANDLER_BUILD, `lambda/handlers/${entry}.ts`, join(outdir, entry), []),
          logLevel: 'silent',
        }),
      ),
    );
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('answer trial, activate, validate, devices, keys, openapi, health, deactivate and a webhook', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas', {
      subscription: { status: 'active', renewsAt: '2099-01-01T00:00:00.000Z' },
    });
    const device = deviceId();
    const get = (path: string) => apiEvent({ path, method: 'GET' });
    const hook = JSON.stringify(loadWebhookFixture('license_key_updated'));

    // Act
    const [trial, activated] = await coldFunction(stack, 'activate', [
      jsonEvent('/v1/trial', { email: freshEmail(), instanceName: deviceId(), name: 'Split' }),
      jsonEvent('/v1/activate', { licenseKey: license.key, instanceName: device }),
    ]);
    const checked = await coldFunction(stack, 'validate', [
      jsonEvent('/v1/validate', { licenseKey: license.key }),
      jsonEvent('/v1/devices', { licenseKey: license.key }),
      get('/v1/keys'),
      get('/v1/openapi.json'),
      get('/health'),
    ]);
    const [released] = await coldFunction(stack, 'activate', [
      jsonEvent('/v1/deactivate', {
        licenseKey: license.key,
        instanceId: String(activated?.body.instanceId),
      }),
    ]);
    const [webhook] = await coldFunction(stack, 'webhook', [
      apiEvent({
        path: '/v1/webhook',
        body: hook,
        headers: {
          'content-type': 'application/json',
          'x-signature': signWebhook(hook, SANDBOX_SECRETS.WEBHOOK_SECRET),
        },
      }),
    ]);

    // Assess
    expect([trial, activated, ...checked, released, webhook].map((a) => a?.status)).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200,
    ]);
    expect(checked[0]?.body).toMatchObject({ licenseKey: license.key, status: 'active' });
    expect(checked[4]?.body).toMatchObject({ status: 'ok' });
    expect(webhook?.body).toMatchObject({ received: true });
  });
});

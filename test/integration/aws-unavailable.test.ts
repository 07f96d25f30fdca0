import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfiguredSecrets } from '#adapters/ssm/secrets.ts';
import { ORIGIN_HEADER } from '#config/edge.ts';
import { createValidateHandler } from '#handlers/validate.ts';
import { createWebhookHandler } from '#handlers/webhook.ts';
import { guardOrigin } from '#http/run-route.ts';
import { loadConfig } from '#lambda/config.ts';
import { createDeps } from '#lambda/deps.ts';
import { apiEvent, jsonEvent } from '#local/api-event.ts';
import { findFreePort } from '#local/dynamodb-local.ts';

function validateEvent(headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return jsonEvent('/v1/validate', { licenseKey: 'AAAAAAAA-0000-0000-0000-000000000000' }, headers);
}

/**
 * AWS dependencies that cannot be reached (a closed port on loopback stands in for DynamoDB and
 * Secrets Manager being down): the client gets a 503 it may retry, never a 500.
 */
describe('AWS dependencies unavailable', () => {
  let closedPort: number;

  beforeAll(async () => {
    closedPort = await findFreePort();
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_MAX_ATTEMPTS = '1';
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${closedPort}`;
    process.env.AWS_ENDPOINT_URL_SSM = `http://127.0.0.1:${closedPort}`;
  });

  function config(extra: NodeJS.ProcessEnv = {}) {
    return loadConfig({
      TABLE_NAME: 'unreachable',
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${closedPort}`,
      LEMONSQUEEZY_API_KEY: 'unused',
      OPENROUTER_API_KEY: 'unused',
      WEBHOOK_SECRET: 'unused',
      LOG_LEVEL: 'SILENT',
      ...extra,
    });
  }

  it('answers 503 UPSTREAM_UNAVAILABLE when DynamoDB is unreachable', async () => {
    // Prepare
    const handler = createValidateHandler(createDeps(config()));

    // Act
    const result = (await handler(validateEvent(), {
      awsRequestId: 'r1',
    })) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      requestId: 'r1',
    });
  });

  it('answers 503 when the origin secret cannot be read from Secrets Manager', async () => {
    // Prepare
    const settings = config({
      ORIGIN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:origin-AbCdEf',
    });
    const deps = createDeps(settings);
    const handler = guardOrigin(createValidateHandler(deps), deps.secrets);

    // Act
    const result = (await handler(validateEvent({ [ORIGIN_HEADER]: 'x' }), {
      awsRequestId: 'r2',
    })) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '').code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it.each([
    ['without the header', {}, 403],
    ['with a wrong value', { [ORIGIN_HEADER]: 'guess' }, 403],
    ['with the right value', { [ORIGIN_HEADER]: 'cloudfront-only' }, 503],
  ])('guards the origin: a request %s gets %i', async (_label, headers, status) => {
    // Prepare: the right header gets through to the (unreachable) table, hence 503.
    const settings = config({ ORIGIN_SECRET: 'cloudfront-only' });
    const handler = guardOrigin(
      createValidateHandler(createDeps(settings)),
      new ConfiguredSecrets(settings.secrets, 0),
    );

    // Act
    const result = (await handler(validateEvent(headers), {
      awsRequestId: 'r3',
    })) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(result.statusCode).toBe(status);
    if (status === 403) expect(JSON.parse(result.body ?? '').code).toBe('FORBIDDEN');
  });

  it.each([
    ['without a signature', 401, 'INVALID_SIGNATURE', {}, 'x'],
    ['with a signature that is no digest', 401, 'INVALID_SIGNATURE', { 'x-signature': 'f' }, 'x'],
    ['over 256 KB', 413, 'PAYLOAD_TOO_LARGE', {}, 'x'.repeat(300_000)],
    // Only the secret can tell a well-formed signature is wrong: that post has to wait for it.
    [
      'with a well-formed signature',
      503,
      'UPSTREAM_UNAVAILABLE',
      { 'x-signature': 'ab'.repeat(32) },
      'x',
    ],
  ])(
    'answers a webhook post %s %i %s while SSM and the table are unreachable',
    async (_label, status, code, headers, body) => {
      // Prepare: the webhook secret in SSM and the table are both unreachable.
      const settings = config({ WEBHOOK_SECRET: undefined, WEBHOOK_SECRET_PARAM: '/ravn/webhook' });
      const handler = createWebhookHandler(createDeps(settings));
      const event = apiEvent({
        path: '/v1/webhook',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });

      // Act
      const result = (await handler(event, {
        awsRequestId: 'r4',
      })) as APIGatewayProxyStructuredResultV2;

      // Assess
      expect([result.statusCode, JSON.parse(result.body ?? '').code]).toEqual([status, code]);
    },
  );
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBuildInfo } from '#config/build-info.ts';
import { createValidateHandler } from '#handlers/validate.ts';
import { buildFromEnv } from '#http/health.ts';
import { loadConfig } from '#lambda/config.ts';
import { createDeps } from '#lambda/deps.ts';
import { apiEvent } from '#local/api-event.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

const packageJson = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

describe('GET /health', () => {
  const stack = useTestStack();

  it('answers ok with the package version and the build commit, never cached', async () => {
    // Act
    const response = await fetch(`${stack.url}/health`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      status: 'ok',
      version: packageJson.version,
      commit: readBuildInfo().commit,
    });
    expect(readBuildInfo().commit).toMatch(/^([0-9a-f]{40,64}|unknown)$/);
  });

  it('answers HEAD too, and any other method 405 with allow: GET, HEAD', async () => {
    // Act
    const head = await fetch(`${stack.url}/health`, { method: 'HEAD' });
    const post = await fetch(`${stack.url}/health`, { method: 'POST', body: '{}' });

    // Assess
    expect(head.status).toBe(200);
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(((await post.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('calls no table: it answers while DynamoDB is unreachable', async () => {
    // Prepare: nothing listens on port 9; a table call would fail (503) after its retries.
    const deps = createDeps(
      loadConfig({
        TABLE_NAME: 'unreachable',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
        DYNAMODB_MAX_ATTEMPTS: '1',
        LEMONSQUEEZY_API_KEY: 'unused',
        OPENROUTER_API_KEY: 'unused',
        WEBHOOK_SECRET: 'unused',
        LOG_LEVEL: 'SILENT',
      }),
    );
    const handler = createValidateHandler(deps, { version: '9.9.9', commit: 'abc123' });

    // Act
    const health = await handler(apiEvent({ path: '/health', method: 'GET' }), {
      awsRequestId: 'r',
    });
    const devices = await handler(
      apiEvent({
        path: '/v1/devices',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ licenseKey: 'any' }),
      }),
      { awsRequestId: 'r' },
    );

    // Assess: the same deps fail a route that reads the table.
    expect(health).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((health as { body: string }).body)).toEqual({
      status: 'ok',
      version: '9.9.9',
      commit: 'abc123',
    });
    expect(devices).toMatchObject({ statusCode: 503 });
  });
});

describe('buildFromEnv', () => {
  it.each([
    [
      { SERVICE_VERSION: '1.2.3', BUILD_COMMIT: 'f00d' },
      { version: '1.2.3', commit: 'f00d' },
    ],
    [{}, { version: 'unknown', commit: 'unknown' }],
  ])('reads %o as %o', (env, expected) => {
    // Assess
    expect(buildFromEnv(env)).toEqual(expected);
  });
});

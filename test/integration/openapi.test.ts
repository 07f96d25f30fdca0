import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PUBLIC_MAX_AGE_SECONDS } from '#config/edge.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';
import { OPENAPI_FILE } from '../../scripts/openapi-file.ts';

describe('GET /v1/openapi.json', () => {
  const stack = useTestStack();

  it('serves the committed description, cacheable like the lease keys', async () => {
    // Prepare
    const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));

    // Act
    const first = await fetch(`${stack.url}/v1/openapi.json`);
    const firstBody = await first.json();
    const second = await fetch(`${stack.url}/v1/openapi.json`);

    // Assess
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.headers.get('cache-control')).toBe(`public, max-age=${PUBLIC_MAX_AGE_SECONDS}`);
    expect(firstBody).toEqual(committed);
    expect(await second.json()).toEqual(firstBody);
  });
});

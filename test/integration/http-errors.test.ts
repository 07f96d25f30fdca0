import { describe, expect, it } from 'vitest';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { useTestStack } from '#test/helpers/test-stack.ts';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('HTTP errors', () => {
  const stack = useTestStack();

  it.each([
    [
      '/v1/trial',
      '{"instanceName":"d1"}',
      JSON_TYPE,
      400,
      'INVALID_REQUEST',
      "Field 'email' is required.",
    ],
    [
      '/v1/trial',
      '{"instanceName":"d1","email":"not-an-email"}',
      JSON_TYPE,
      400,
      'INVALID_REQUEST',
      "Field 'email' is invalid",
    ],
    [
      '/v1/activate',
      '{"instanceName":"d1","licenseKey":42}',
      JSON_TYPE,
      400,
      'INVALID_REQUEST',
      "Field 'licenseKey' is invalid",
    ],
    [
      '/v1/activate',
      '{"instanceName":"","licenseKey":"k"}',
      JSON_TYPE,
      400,
      'INVALID_REQUEST',
      "Field 'instanceName' is invalid",
    ],
    [
      '/v1/validate',
      '{"licenseKey":',
      JSON_TYPE,
      400,
      'INVALID_REQUEST',
      'The body is not valid JSON.',
    ],
    ['/v1/validate', '[1,2]', JSON_TYPE, 400, 'INVALID_REQUEST', 'The body must be a JSON object.'],
    ['/v1/validate', 'null', JSON_TYPE, 400, 'INVALID_REQUEST', 'The body must be a JSON object.'],
    [
      '/v1/validate',
      '{"licenseKey":"k"}',
      { 'content-type': 'text/plain' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'application/json',
    ],
    ['/v1/validate', '{"licenseKey":"k"}', {}, 415, 'UNSUPPORTED_MEDIA_TYPE', 'application/json'],
    [
      '/v1/validate',
      JSON.stringify({ licenseKey: 'k', pad: 'x'.repeat(17_000) }),
      JSON_TYPE,
      413,
      'PAYLOAD_TOO_LARGE',
      '16384',
    ],
    ['/v1/nope', '{}', JSON_TYPE, 404, 'NOT_FOUND', 'No such endpoint.'],
  ])('POST %s %s answers %i %s', async (path, body, headers, status, code, message) => {
    // Act
    const response = await stack.post(path, body, headers as Record<string, string>);

    // Assess
    expect(response.status).toBe(status);
    expect(response.body).toEqual(errorBodyOf(code, expect.stringContaining(message)));
  });

  it('answers METHOD_NOT_ALLOWED for a GET', async () => {
    // Act
    const response = await fetch(`${stack.url}/v1/validate`);

    // Assess
    expect(response.status).toBe(405);
    expect(((await response.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('ignores unknown fields and prototype keys', async () => {
    // Act
    const response = await stack.post(
      '/v1/validate',
      '{"licenseKey":"unknown-key","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"extra":[1]}',
    );

    // Assess
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('LICENSE_NOT_FOUND');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '#http/error-response.ts';

describe('errorResponse for RATE_LIMITED', () => {
  it('sends 429, Retry-After and the IETF RateLimit fields of the policy that refused', () => {
    // Prepare
    const limit = { name: 'unknown-key', max: 20, windowSeconds: 600 };
    const retry = { at: '2026-03-10T12:10:00.000Z', afterSeconds: 321 };

    // Act
    const response = errorResponse('RATE_LIMITED', 'Slow down.', 'request-1', retry, limit);

    // Assess
    const { statusCode, headers, body } = response as APIGatewayProxyStructuredResultV2;
    expect(statusCode).toBe(429);
    expect(headers).toMatchObject({
      'retry-after': '321',
      'ratelimit-policy': '"unknown-key";q=20;w=600',
      ratelimit: '"unknown-key";r=0;t=321',
    });
    expect(JSON.parse(body ?? '')).toMatchObject({
      code: 'RATE_LIMITED',
      retry_at: '2026-03-10T12:10:00Z',
    });
  });

  it('sends no RateLimit fields on a refusal that is not a rate limit', () => {
    // Act
    const response = errorResponse('DEVICE_CHANGE_LIMIT', 'Later.', 'request-1', {
      at: '2026-03-10T12:10:00.000Z',
      afterSeconds: 5,
    });

    // Assess
    const { headers } = response as APIGatewayProxyStructuredResultV2;
    expect(headers).not.toHaveProperty('ratelimit');
    expect(headers).not.toHaveProperty('ratelimit-policy');
  });
});

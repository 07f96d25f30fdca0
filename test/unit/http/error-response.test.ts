import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  DomainError,
  type ErrorCode,
  InvalidDeviceIdError,
  InvalidRequestError,
  RateLimitedError,
  UpstreamError,
} from '#domain/errors.ts';
import { codeToStatus, errorFromThrown, errorResponse } from '#http/error-response.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';

/**
 * Every `ErrorCode` and the status the shipped client reads it by
 * (docs/client-contract.md, "Errors by status"); `satisfies` keeps the table honest when a code is
 * added.
 */
const STATUS_OF = {
  INVALID_REQUEST: 400,
  INVALID_DEVICE_ID: 400,
  INVALID_EVENT: 400,
  DEVICE_DEACTIVATED: 400,
  LICENSE_EXPIRED: 400,
  LICENSE_DISABLED: 400,
  LICENSE_INACTIVE: 400,
  PRODUCT_NOT_ALLOWED: 400,
  INVALID_SIGNATURE: 401,
  UNAUTHENTICATED: 401,
  TRIAL_EXPIRED: 403,
  TRIAL_ALREADY_USED: 403,
  DISPOSABLE_EMAIL: 400,
  INSTANCE_MISMATCH: 403,
  TRIAL_NOT_TRANSFERABLE: 403,
  FORBIDDEN: 403,
  LICENSE_NOT_FOUND: 404,
  INSTANCE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ACTIVATION_LIMIT_REACHED: 409,
  DEVICE_CHANGE_LIMIT: 429,
  RATE_LIMITED: 429,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 503,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_BUSY: 503,
} satisfies Record<ErrorCode, number>;

const CODES = Object.entries(STATUS_OF) as [ErrorCode, number][];

function structured(response: unknown): APIGatewayProxyStructuredResultV2 {
  return response as APIGatewayProxyStructuredResultV2;
}

describe('codeToStatus', () => {
  it.each(CODES)('maps %s to %i', (code, status) => {
    // Act
    const result = codeToStatus(code);

    // Assess
    expect(result).toBe(status);
  });
});

describe('errorResponse', () => {
  it.each(CODES)('answers %s with status %i and the one error body shape', (code, status) => {
    // Act
    const response = structured(errorResponse(code, 'A message.', 'request-1'));

    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    expect(JSON.parse(response.body ?? '')).toEqual(errorBodyOf(code, 'A message.', 'request-1'));
  });

  it.each(CODES.filter(([code]) => code !== 'UPSTREAM_UNAVAILABLE'))(
    'sends no retry-after with %s',
    (code) => {
      // Act
      const response = structured(errorResponse(code, 'A message.', 'request-1'));

      // Assess
      expect(response.headers).not.toHaveProperty('retry-after');
    },
  );
});

describe('errorFromThrown', () => {
  it.each([
    ['a foreign code', 'SOME_LIBRARY_CODE'],
    ['one of our codes on a foreign error', 'INVALID_REQUEST'],
  ])('returns a bare 500 for an error that only looks like ours (%s)', (_label, code) => {
    // Prepare
    const error = Object.assign(new Error('secret-abc'), { code, retryable: true });

    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret-abc');
  });

  it.each([
    [
      'a network error',
      Object.assign(new Error('connect ECONNREFUSED secret-abc'), { code: 'ECONNREFUSED' }),
    ],
    [
      'an SDK server fault',
      Object.assign(new Error('secret-abc'), {
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    ],
    ['an SDK call that got no answer', Object.assign(new Error('secret-abc'), { $metadata: {} })],
    [
      'a wrapped network error',
      new Error('secret-abc', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }),
    ],
  ])('returns 503 UPSTREAM_UNAVAILABLE for %s, without its message', (_label, error) => {
    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? '').code).toBe('UPSTREAM_UNAVAILABLE');
    expect(response.body).not.toContain('secret-abc');
  });

  it('returns a bare 500 INTERNAL_ERROR for a plain Error, without its message or stack', () => {
    // Prepare
    const error = new Error('secret-xyz');

    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toEqual(
      errorBodyOf('INTERNAL_ERROR', 'Internal error.', 'request-1'),
    );
    expect(response.body).not.toContain('secret-xyz');
  });

  it('does not leak the cause of a plain Error', () => {
    // Prepare
    const error = new Error('outer', { cause: new Error('secret-cause') });

    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret-cause');
    expect(response.body).not.toContain('outer');
  });

  it.each([
    ['a string', 'secret-xyz'],
    ['undefined', undefined],
    ['null', null],
    ['an object with a code', { code: 'INVALID_REQUEST', message: 'secret-xyz' }],
  ])('returns 500 INTERNAL_ERROR when %s is thrown', (_case, thrownValue) => {
    // Act
    const response = structured(errorFromThrown(thrownValue, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(response.body).not.toContain('secret-xyz');
  });

  it('returns 503 UPSTREAM_UNAVAILABLE with retry-after for an unavailable upstream', () => {
    // Prepare
    const error = new UpstreamError('lemonsqueezy', 'unavailable', 'is unavailable.', {
      status: 500,
      cause: new Error('secret-upstream-body'),
    });

    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    expect(JSON.parse(response.body ?? '')).toEqual(
      errorBodyOf('UPSTREAM_UNAVAILABLE', 'LemonSqueezy is unavailable.', 'request-1'),
    );
    expect(response.body).not.toContain('secret-upstream-body');
  });

  it('returns 503 UPSTREAM_ERROR without retry-after for a bad upstream answer', () => {
    // Prepare
    const error = new UpstreamError('openrouter', 'bad-response', 'gave an unexpected answer.');

    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers).not.toHaveProperty('retry-after');
    expect(JSON.parse(response.body ?? '')).toEqual(
      errorBodyOf('UPSTREAM_ERROR', 'OpenRouter gave an unexpected answer.', 'request-1'),
    );
  });

  it('returns 429 RATE_LIMITED with Retry-After, retry_at and the policy for a limit refused inside a flow', () => {
    // Prepare
    const limit = { name: 'lemonsqueezy-license', max: 3, windowSeconds: 60 };
    const retry = { at: '2026-03-10T12:01:00.000Z', afterSeconds: 42 };
    const error = new RateLimitedError('Too often.', limit, retry);

    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess: the same answer as a request refused by a limit at its start.
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({
      'retry-after': '42',
      'ratelimit-policy': '"lemonsqueezy-license";q=3;w=60',
      ratelimit: '"lemonsqueezy-license";r=0;t=42',
    });
    expect(JSON.parse(response.body ?? '')).toEqual({
      ...errorBodyOf('RATE_LIMITED', 'Too often.', 'request-1'),
      retry_at: '2026-03-10T12:01:00Z',
    });
  });

  it.each([
    ['InvalidRequestError', new InvalidRequestError("Field 'licenseKey' is required."), 400],
    ['InvalidDeviceIdError', new InvalidDeviceIdError(), 400],
    ['LICENSE_EXPIRED', new DomainError('LICENSE_EXPIRED', 'Expired.'), 400],
    ['TRIAL_ALREADY_USED', new DomainError('TRIAL_ALREADY_USED', 'Used.'), 403],
    ['a DomainError', new DomainError('PAYLOAD_TOO_LARGE', 'Too large.'), 413],
  ])('returns the code and message of %s', (_case, error, status) => {
    // Act
    const response = structured(errorFromThrown(error, 'request-1'));

    // Assess
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body ?? '')).toEqual(
      errorBodyOf(error.code, error.message, 'request-1'),
    );
  });
});

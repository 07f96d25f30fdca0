import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../../lambda/domain/errors.ts';
import { MAX_BODY_BYTES, parseJsonRequest } from '../../../lambda/http/request.ts';
import { activateRequestSchema } from '../../../lambda/schemas/activate.ts';

interface EventOptions {
  body?: string;
  headers?: Record<string, string>;
  method?: string;
  isBase64Encoded?: boolean;
}

/** A POST as API Gateway HTTP API (payload 2.0) delivers it. */
function event(options: EventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  return {
    version: '2.0',
    routeKey: `${method} /v1/activate`,
    rawPath: '/v1/activate',
    rawQueryString: '',
    headers: options.headers ?? { 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method,
        path: '/v1/activate',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'vitest',
      },
      requestId: 'request-1',
      routeKey: `${method} /v1/activate`,
      stage: '$default',
      time: '10/Mar/2026:00:00:00 +0000',
      timeEpoch: 1_773_100_800_000,
    },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

function jsonEvent(value: unknown, options: EventOptions = {}): APIGatewayProxyEventV2 {
  return event({ body: JSON.stringify(value), ...options });
}

/** The `DomainError` that `act` throws (fails the test if it returns). */
function thrown(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a throw');
}

const ACTIVATE = { licenseKey: 'key-1', instanceName: 'machine-1' };

describe('parseJsonRequest', () => {
  it('returns the parsed body of a valid request', () => {
    // Act
    const body = parseJsonRequest(jsonEvent(ACTIVATE), activateRequestSchema);

    // Assess
    expect(body).toEqual(ACTIVATE);
  });

  it('returns METHOD_NOT_ALLOWED for a GET', () => {
    // Act
    const error = thrown(() =>
      parseJsonRequest(jsonEvent(ACTIVATE, { method: 'GET' }), activateRequestSchema),
    );

    // Assess
    expect(error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each([
    ['no content type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['form encoding', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a JSON-like subtype', { 'content-type': 'application/vnd.api+json' }],
    ['an empty content type', { 'content-type': '' }],
  ])('returns UNSUPPORTED_MEDIA_TYPE for %s', (_case, headers) => {
    // Act
    const error = thrown(() =>
      parseJsonRequest(jsonEvent(ACTIVATE, { headers }), activateRequestSchema),
    );

    // Assess
    expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['application/json; charset=utf-8', { 'content-type': 'application/json; charset=utf-8' }],
    ['a capitalised header name', { 'Content-Type': 'application/json' }],
    ['an upper-case header name', { 'CONTENT-TYPE': 'application/json' }],
    ['an upper-case media type', { 'content-type': 'Application/JSON' }],
  ])('accepts %s', (_case, headers) => {
    // Act
    const body = parseJsonRequest(jsonEvent(ACTIVATE, { headers }), activateRequestSchema);

    // Assess
    expect(body).toEqual(ACTIVATE);
  });

  it('returns PAYLOAD_TOO_LARGE for a body above 16 KB', () => {
    // Prepare
    const body = JSON.stringify({ ...ACTIVATE, padding: 'x'.repeat(MAX_BODY_BYTES) });

    // Act
    const error = thrown(() => parseJsonRequest(event({ body }), activateRequestSchema));

    // Assess
    expect(MAX_BODY_BYTES).toBe(16 * 1024);
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts a body of exactly 16 KB', () => {
    // Prepare
    const start = JSON.stringify({ ...ACTIVATE, padding: '' });
    const body = JSON.stringify({
      ...ACTIVATE,
      padding: 'x'.repeat(MAX_BODY_BYTES - Buffer.byteLength(start)),
    });

    // Act
    const parsed = parseJsonRequest(event({ body }), activateRequestSchema);

    // Assess
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    expect(parsed).toEqual(ACTIVATE);
  });

  it('counts bytes, not characters, against the limit', () => {
    // Prepare: 6,000 three-byte characters are 18,000 bytes.
    const body = JSON.stringify({ ...ACTIVATE, padding: '€'.repeat(6_000) });

    // Act
    const error = thrown(() => parseJsonRequest(event({ body }), activateRequestSchema));

    // Assess
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('decodes a base64-encoded body', () => {
    // Prepare
    const body = Buffer.from(JSON.stringify(ACTIVATE), 'utf8').toString('base64');

    // Act
    const parsed = parseJsonRequest(event({ body, isBase64Encoded: true }), activateRequestSchema);

    // Assess
    expect(parsed).toEqual(ACTIVATE);
  });

  it('returns PAYLOAD_TOO_LARGE for a base64-encoded body above 16 KB once decoded', () => {
    // Prepare
    const json = JSON.stringify({ ...ACTIVATE, padding: 'x'.repeat(MAX_BODY_BYTES) });
    const body = Buffer.from(json, 'utf8').toString('base64');

    // Act
    const error = thrown(() =>
      parseJsonRequest(event({ body, isBase64Encoded: true }), activateRequestSchema),
    );

    // Assess
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseJsonRequest } from '#http/messages.ts';
import { activateRequestSchema } from '#schemas/activate.ts';
import { ACTIVATE, event, jsonEvent, thrown } from '#test/unit/http/request-fixture.ts';

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

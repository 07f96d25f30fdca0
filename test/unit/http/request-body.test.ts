import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { header, parseJsonRequest } from '#http/messages.ts';
import { activateRequestSchema } from '#schemas/activate.ts';
import { trialRequestSchema } from '#schemas/trial.ts';
import { validateRequestSchema } from '#schemas/validate.ts';
import { ACTIVATE, event, jsonEvent, thrown } from '#test/unit/http/request-fixture.ts';

describe('parseJsonRequest', () => {
  it.each([
    ['truncated JSON', '{"licenseKey": "key-1"'],
    ['an empty body', ''],
    ['plain text', 'licenseKey=key-1'],
  ])('returns INVALID_REQUEST for %s', (_case, body) => {
    // Act
    const error = thrown(() => parseJsonRequest(event({ body }), activateRequestSchema));

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe('The body is not valid JSON.');
  });

  it('returns INVALID_REQUEST for a missing body', () => {
    // Prepare
    const request = event();

    // Act
    const error = thrown(() => parseJsonRequest(request, activateRequestSchema));

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
  });

  it('returns INVALID_REQUEST naming a missing field', () => {
    // Act
    const error = thrown(() =>
      parseJsonRequest(jsonEvent({ instanceName: 'machine-1' }), activateRequestSchema),
    );

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe("Field 'licenseKey' is required.");
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['an object', { key: 'x' }],
    ['blank text', '   '],
    ['text above 256 characters', 'k'.repeat(257)],
  ])('returns INVALID_REQUEST saying licenseKey is invalid when it is %s', (_case, licenseKey) => {
    // Act
    const error = thrown(() =>
      parseJsonRequest(jsonEvent({ ...ACTIVATE, licenseKey }), activateRequestSchema),
    );

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/^Field 'licenseKey' is invalid: /);
  });

  it('does not echo an invalid value in the message', () => {
    // Act
    const error = thrown(() =>
      parseJsonRequest(
        jsonEvent({ instanceName: 'machine-1', email: 'secret-not-an-email' }),
        trialRequestSchema,
      ),
    );

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/^Field 'email' is invalid: /);
    expect(error.message).not.toContain('secret-not-an-email');
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"key-1"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('returns INVALID_REQUEST when the body is %s', (_case, body) => {
    // Act
    const error = thrown(() => parseJsonRequest(event({ body }), activateRequestSchema));

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe('The body must be a JSON object.');
  });

  it('does not pollute Object.prototype through a __proto__ key', () => {
    // Prepare
    const body =
      '{"__proto__": {"polluted": "yes", "licenseKey": "inherited"}, "instanceName": "m"}';

    // Act
    const error = thrown(() => parseJsonRequest(event({ body }), activateRequestSchema));

    // Assess
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe("Field 'licenseKey' is required.");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });

  it('drops a __proto__ key from a valid body', () => {
    // Prepare
    const body = JSON.stringify(ACTIVATE).replace('{', '{"__proto__": {"polluted": "yes"},');

    // Act
    const parsed = parseJsonRequest(event({ body }), activateRequestSchema);

    // Assess
    expect(parsed).toEqual(ACTIVATE);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores unknown fields', () => {
    // Act
    const parsed = parseJsonRequest(
      jsonEvent({ ...ACTIVATE, extra: true, nested: { a: 1 } }),
      activateRequestSchema,
    );

    // Assess
    expect(parsed).toEqual(ACTIVATE);
  });

  it('trims the license key and instance name', () => {
    // Act
    const parsed = parseJsonRequest(
      jsonEvent({ licenseKey: '  key-1 ', instanceName: '\tmachine-1\n' }),
      activateRequestSchema,
    );

    // Assess
    expect(parsed).toEqual(ACTIVATE);
  });

  it('accepts a validate request without a device', () => {
    // Act
    const parsed = parseJsonRequest(jsonEvent({ licenseKey: 'key-1' }), validateRequestSchema);

    // Assess
    expect(parsed).toEqual({ licenseKey: 'key-1' });
  });

  it('accepts a trial request with an optional name', () => {
    // Prepare
    const request = { instanceName: 'machine-1', email: 'ada@example.com', name: ' Ada ' };

    // Act
    const parsed = parseJsonRequest(jsonEvent(request), trialRequestSchema);

    // Assess
    expect(parsed).toEqual({ instanceName: 'machine-1', email: 'ada@example.com', name: 'Ada' });
  });

  it("names the trial's missing email", () => {
    // Act
    const error = thrown(() =>
      parseJsonRequest(jsonEvent({ instanceName: 'machine-1' }), trialRequestSchema),
    );

    // Assess
    expect(error.message).toBe("Field 'email' is required.");
  });
});

describe('header', () => {
  it('finds a header whatever its case', () => {
    // Prepare
    const request = event({ headers: { 'X-Signature': 'abc' } });

    // Act
    const value = header(request, 'x-signature');

    // Assess
    expect(value).toBe('abc');
  });

  it('returns undefined when the event has no headers', () => {
    // Prepare
    const request = { headers: undefined } as unknown as APIGatewayProxyEventV2;

    // Act
    const value = header(request, 'content-type');

    // Assess
    expect(value).toBeUndefined();
  });
});

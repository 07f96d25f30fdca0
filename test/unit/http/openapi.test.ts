import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { routeErrorsOf } from '#config/route-errors.ts';
import { methodOf, ROUTE_PATHS } from '#config/routes.ts';
import { ERROR_CODES, type ErrorCode } from '#domain/errors.ts';
import { codeToStatus } from '#http/error-response.ts';
import { currentOpenApiDocument, OPENAPI_FILE } from '../../../scripts/openapi-file.ts';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is read as plain JSON.
type Json = any;

const document: Json = currentOpenApiDocument();
const operationOf = (path: string): Json => document.paths[path][methodOf(path).toLowerCase()];

/** Every `$ref` in `value`, with where it was found. */
function refsIn(value: unknown, at = '#'): Array<{ ref: string; at: string }> {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string'
      ? [{ ref: child, at }]
      : refsIn(child, `${at}/${key}`),
  );
}

/** The codes an operation lists, each with the status it is listed under. */
function listedCodes(operation: Json): Array<[ErrorCode, number]> {
  return Object.entries(operation.responses).flatMap(([status, response]: [string, Json]) => {
    const codes: ErrorCode[] =
      response.content?.['application/json']?.schema?.properties?.code?.enum ?? [];
    return codes.map((code): [ErrorCode, number] => [code, Number(status)]);
  });
}

describe('the OpenAPI description', () => {
  it('is committed as generated (run `pnpm openapi` after changing routes, schemas or codes)', () => {
    // Prepare
    const committed = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));

    // Assess: the parsed documents, so Biome's layout of the file does not matter.
    expect(committed).toEqual(document);
  });

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    // Act
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));

    // Assess
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const unresolved = refsIn(document).filter(({ ref }) => {
      const [, kind, name] = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) ?? [];
      return !kind || !name || document.components[kind]?.[name] === undefined;
    });
    expect(unresolved).toEqual([]);
  });

  it('describes every route with the method it takes', () => {
    // Assess
    expect(Object.keys(document.paths)).toEqual(ROUTE_PATHS);
    for (const path of ROUTE_PATHS) {
      expect(Object.keys(document.paths[path]), path).toEqual([methodOf(path).toLowerCase()]);
      expect(operationOf(path).responses['200'], path).toBeDefined();
    }
  });

  it('names every error code of domain/errors.ts with its status', () => {
    // Prepare
    const named = document.components.schemas.ErrorCode.oneOf as Array<{
      const: ErrorCode;
      description: string;
    }>;

    // Assess
    expect(named.map((entry) => entry.const)).toEqual([...ERROR_CODES]);
    for (const entry of named) {
      expect(entry.description).toMatch(new RegExp(`^HTTP ${codeToStatus(entry.const)}\\. `));
    }
  });

  it.each(ROUTE_PATHS)(
    'lists the refusals of %s under the status codeToStatus gives them',
    (path) => {
      // Prepare
      const listed = listedCodes(operationOf(path));
      const codes = listed.map(([code]) => code);

      // Assess
      for (const [code, status] of listed) expect(status, code).toBe(codeToStatus(code));
      expect(codes).toEqual(expect.arrayContaining([...routeErrorsOf(path), 'INTERNAL_ERROR']));
      expect(new Set(codes).size).toBe(codes.length);
    },
  );

  it.each([
    ['/v1/trial', 'IdempotencyKey'],
    ['/v1/activate', 'IdempotencyKey'],
    ['/v1/deactivate', 'IdempotencyKey'],
    ['/v1/webhook', 'Signature'],
  ])('takes the %s request header %s', (path, parameter) => {
    // Assess
    expect(operationOf(path).parameters).toContainEqual({
      $ref: `#/components/parameters/${parameter}`,
    });
  });

  it('gives the rate-limit refusals Retry-After and the RateLimit fields, 503s Retry-After', () => {
    // Prepare
    const responses = operationOf('/v1/activate').responses;

    // Assess
    expect(Object.keys(responses['429'].headers)).toEqual([
      'Retry-After',
      'RateLimit-Policy',
      'RateLimit',
    ]);
    expect(Object.keys(responses['503'].headers)).toEqual(['Retry-After']);
    expect(responses['405'].headers.Allow.schema.const).toBe('POST');
    expect(operationOf('/v1/keys').responses['405'].headers.Allow.schema.const).toBe('GET, HEAD');
  });

  it('describes request bodies as a client sends them and answers as the service writes them', () => {
    // Prepare
    const { schemas } = document.components;

    // Assess: inputs keep optional fields optional and unknown fields allowed.
    expect(schemas.TrialRequest.required).toEqual(['instanceName', 'email']);
    expect(schemas.TrialRequest.additionalProperties).toBeUndefined();
    expect(schemas.LicenseResponse.required).toContain('lease');
    expect(schemas.HealthResponse.properties.status).toEqual({ type: 'string', const: 'ok' });
    expect(schemas.ErrorResponse.properties.code).toEqual({
      $ref: '#/components/schemas/ErrorCode',
    });
  });
});

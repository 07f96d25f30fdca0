import * as z from 'zod';
import { PUBLIC_MAX_AGE_SECONDS } from '#config/edge.ts';
import { ERROR_CODES } from '#domain/errors.ts';
import { errorResponseSchema } from '#schemas/error-response.ts';
import { codeToStatus, ERROR_HINTS } from '../error-response.ts';
import { OPERATIONS } from './operations.ts';

type Json = Record<string, unknown>;

/**
 * The wire schemas as JSON Schema 2020-12 (OpenAPI 3.1's own dialect): request bodies as a client
 * may send them (`io: 'input'`: before trims, defaults and transforms), responses as the service
 * writes them (`io: 'output'`). A schema named twice (the license body) is one component.
 */
export function schemaComponents(): Record<string, Json> {
  const requests = z.registry<{ id: string }>();
  const responses = z.registry<{ id: string }>();
  for (const spec of Object.values(OPERATIONS)) {
    if (spec.request && !requests.has(spec.request.schema)) {
      requests.add(spec.request.schema, { id: spec.request.name });
    }
    if (!responses.has(spec.response.schema)) {
      responses.add(spec.response.schema, { id: spec.response.name });
    }
  }
  responses.add(errorResponseSchema, { id: 'ErrorResponse' });
  const uri = (id: string) => `#/components/schemas/${id}`;
  const generated = {
    ...z.toJSONSchema(requests, { io: 'input', uri }).schemas,
    ...z.toJSONSchema(responses, { io: 'output', uri }).schemas,
  };
  const schemas: Record<string, Json> = {};
  for (const [name, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(generated)) {
    schemas[name] = schema;
  }
  // The wire types `code` as any string (licence bodies carry AI_CREDIT_PENDING too); an error
  // body's is one of the closed set, each with its status.
  const errorBody = schemas.ErrorResponse as { properties: Json };
  errorBody.properties.code = { $ref: uri('ErrorCode') };
  schemas.ErrorCode = {
    description: 'Every error code, with the HTTP status it is answered with.',
    oneOf: ERROR_CODES.map((code) => ({
      const: code,
      description: `HTTP ${codeToStatus(code)}. ${ERROR_HINTS[code]}`,
    })),
  };
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

/** The response headers the description refers to (`#/components/headers/…`). */
export const HEADERS: Readonly<Record<string, Json>> = {
  RetryAfter: {
    description: 'Seconds until a retry may succeed (the body says when as `retry_at`).',
    schema: { type: 'integer', minimum: 0 },
  },
  RateLimitPolicy: {
    description:
      'The refusing limit (draft-ietf-httpapi-ratelimit-headers): `"<name>";q=<requests>;w=<window seconds>`.',
    schema: { type: 'string' },
  },
  RateLimit: {
    description:
      'Nothing left of the named limit until its window resets: `"<name>";r=0;t=<seconds>`.',
    schema: { type: 'string' },
  },
  PublicCache: {
    description: 'A public document: cached by CloudFront and clients.',
    schema: { type: 'string', const: `public, max-age=${PUBLIC_MAX_AGE_SECONDS}` },
  },
  NoStore: {
    description: 'Never cached.',
    schema: { type: 'string', const: 'no-store' },
  },
  IdempotentReplayed: {
    description: 'Present when this is the stored answer to an earlier request with the same key.',
    schema: { type: 'string', const: 'true' },
  },
};

/** The request headers the description refers to (`#/components/parameters/…`). */
export const PARAMETERS: Readonly<Record<string, Json>> = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      "Makes a retry safe: the same key and body within 24 h get the first answer again without running anything; the same key with another body is 422, a retry while the first runs 409. A key is the caller's own: scoped to the route and to the request's license (any spelling of its key) or, for a trial, its device and email, so another caller's key never meets it. A body refused as malformed claims nothing: the key stays free.",
    // As `http/idempotency.ts` checks it: printable ASCII, not only spaces.
    schema: { type: 'string', pattern: '^(?! *$)[\\x20-\\x7e]{1,255}$' },
  },
  Signature: {
    name: 'X-Signature',
    in: 'header',
    required: true,
    description: 'Hex HMAC-SHA256 of the raw body bytes with the webhook secret.',
    schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
  },
};

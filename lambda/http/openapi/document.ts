import { UNROUTED_ERRORS } from '#config/route-errors.ts';
import { methodOf, ROUTE_PATHS, type RoutePath } from '#config/routes.ts';
import { REPLAYED_HEADER } from '../idempotency.ts';
import { MAX_BODY_BYTES } from '../messages.ts';
import { HEADERS, PARAMETERS, schemaComponents } from './components.ts';
import { errorResponses } from './error-responses.ts';
import { OPERATIONS, type OperationSpec } from './operations.ts';

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: object };

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/**
 * The API description, OpenAPI 3.1, built from what the service runs: every route of
 * config/routes.ts with its method, the zod schemas its handler parses and writes, and every
 * error code it can answer with the status `codeToStatus` gives it (config/route-errors.ts).
 * Deterministic for a given `version`: `pnpm openapi` commits it as docs/openapi.json, and a test
 * fails when that file is stale.
 */
export function buildOpenApiDocument(version: string): OpenApiDocument {
  const paths: Record<string, unknown> = {};
  for (const path of ROUTE_PATHS) {
    paths[path] = { [methodOf(path).toLowerCase()]: operation(path, OPERATIONS[path]) };
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'ravn-activate',
      version,
      summary: 'License activation for RAVN Mail: trials, LemonSqueezy licenses, AI keys.',
      description: [
        `POST routes take \`content-type: application/json\` and a body of at most ${MAX_BODY_BYTES / 1024} KB, and ignore unknown fields.`,
        'Field names are the wire format shipped clients read (camelCase and snake_case mixed on purpose).',
        'Every error is an `ErrorResponse` whose `code` is one of `ErrorCode`; each operation lists the codes it can answer under their status.',
        `A path the API does not have answers ${UNROUTED_ERRORS.map((code) => `\`${code}\``).join(', ')} (404).`,
      ].join('\n\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    paths,
    components: { schemas: schemaComponents(), headers: HEADERS, parameters: PARAMETERS },
  };
}

function operation(path: RoutePath, spec: OperationSpec): Record<string, unknown> {
  const parameters = [
    ...(spec.idempotent ? [ref('parameters', 'IdempotencyKey')] : []),
    ...(spec.request?.signed ? [ref('parameters', 'Signature')] : []),
  ];
  return {
    operationId: operationIdOf(path),
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.request
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('schemas', spec.request.name) } },
          },
        }
      : {}),
    responses: {
      '200': {
        description: `Success: \`${spec.response.name}\`.`,
        ...successHeaders(spec),
        content: { 'application/json': { schema: ref('schemas', spec.response.name) } },
      },
      ...errorResponses(path, spec),
    },
  };
}

function successHeaders(spec: OperationSpec): { headers?: Record<string, unknown> } {
  const headers: Record<string, unknown> = {};
  if (spec.caching === 'public') headers['Cache-Control'] = ref('headers', 'PublicCache');
  if (spec.caching === 'no-store') headers['Cache-Control'] = ref('headers', 'NoStore');
  if (spec.idempotent) headers[REPLAYED_HEADER] = ref('headers', 'IdempotentReplayed');
  return Object.keys(headers).length > 0 ? { headers } : {};
}

/** `/v1/openapi.json` → `openapi`, `/health` → `health`. */
function operationIdOf(path: RoutePath): string {
  return (path.split('/').at(-1) ?? path).replace(/\.json$/, '');
}

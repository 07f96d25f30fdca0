import * as z from 'zod';

/** `GET /v1/openapi.json`: an OpenAPI 3.1 document (only its frame is described here). */
export const openApiResponseSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readBuildInfo } from '#config/build-info.ts';
import { buildOpenApiDocument, type OpenApiDocument } from '#http/openapi/document.ts';

/** Where the committed API description lives (README links it). */
export const OPENAPI_FILE = new URL('../docs/openapi.json', import.meta.url);

/** The description of this checkout, as `pnpm openapi` writes it and the service serves it. */
export function currentOpenApiDocument(): OpenApiDocument {
  return buildOpenApiDocument(readBuildInfo().version);
}

/** The file's text before Biome lays it out (`pnpm openapi` runs `biome format` on it). */
export function openApiFileText(document: OpenApiDocument = currentOpenApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes docs/openapi.json for this checkout, laid out by Biome; returns its path. */
export function writeOpenApiFile(): string {
  const file = fileURLToPath(OPENAPI_FILE);
  mkdirSync(new URL('.', OPENAPI_FILE), { recursive: true });
  writeFileSync(file, openApiFileText());
  execFileSync('biome', ['format', '--write', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  return file;
}

import { parseCommandLine } from './cli-args.ts';
import { writeOpenApiFile } from './openapi-file.ts';

// `pnpm openapi`: regenerates docs/openapi.json from the routes, schemas and error codes (`pnpm
// run docs` does too, with the tables of docs/). Commit the result; the OpenAPI unit test fails
// while the committed file is stale (it compares the parsed documents, so Biome may lay the file
// out as `pnpm test` wants it).
const parsed = parseCommandLine(process.argv.slice(2), {
  name: 'pnpm openapi',
  usage: `usage: pnpm openapi

Regenerates docs/openapi.json from the routes, schemas and error codes; commit the result.`,
  options: {},
});
if (parsed.exit !== undefined) {
  (parsed.exit === 0 ? process.stdout : process.stderr).write(parsed.text);
  process.exit(parsed.exit);
}
console.log(`wrote ${writeOpenApiFile()}`);

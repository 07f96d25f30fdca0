import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from './cli-args.ts';
import { OPENAPI_FILE, openApiFileText } from './openapi-file.ts';

// `pnpm openapi`: regenerates docs/openapi.json from the routes, schemas and error codes. Commit
// the result; test/unit/http/openapi.test.ts fails while the committed file is stale (it compares
// the parsed documents, so Biome may lay the file out as `pnpm test` wants it).
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
const file = fileURLToPath(OPENAPI_FILE);
mkdirSync(new URL('.', OPENAPI_FILE), { recursive: true });
writeFileSync(file, openApiFileText());
execFileSync('biome', ['format', '--write', file], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`wrote ${file}`);

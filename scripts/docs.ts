import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from './cli-args.ts';
import { GENERATED_TABLES, REPOSITORY_ROOT } from './docs/generated-tables.ts';
import { replaceBlock } from './docs/markers.ts';
import { writeOpenApiFile } from './openapi-file.ts';

// `pnpm run docs`: regenerates every generated table of docs/ in place, between its marker
// lines, and docs/openapi.json. Commit the result; test/unit/docs/generated-docs.test.ts fails
// while a committed table is stale or its markers are missing. (`run` is needed: a bare `pnpm
// docs` is npm's command that opens the package's web page.)
const parsed = parseCommandLine(process.argv.slice(2), {
  name: 'pnpm run docs',
  usage: `usage: pnpm run docs

Regenerates the tables of docs/ between their <!-- generated:NAME:start/end --> lines (from the
configuration schema, the error codes and routes, the synthesised stack's alarms and
bench/results.json) and docs/openapi.json; commit the result.`,
  options: {},
});
if (parsed.exit !== undefined) {
  (parsed.exit === 0 ? process.stdout : process.stderr).write(parsed.text);
  process.exit(parsed.exit);
}

const files = new Map<string, string>();
const problems: string[] = [];
for (const table of GENERATED_TABLES) {
  const path = fileURLToPath(new URL(table.file, REPOSITORY_ROOT));
  if (!files.has(path) && !existsSync(path)) {
    problems.push(`${table.file} is missing: create it with the marker lines of ${table.name}`);
    continue;
  }
  try {
    const text = files.get(path) ?? readFileSync(path, 'utf8');
    files.set(path, replaceBlock(text, table.name, table.render()));
  } catch (error) {
    problems.push(`${table.file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
for (const [path, text] of files) {
  if (readFileSync(path, 'utf8') === text) continue;
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
console.log(`wrote ${writeOpenApiFile()}`);
if (problems.length > 0) {
  console.error(`pnpm run docs: not written:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  process.exit(1);
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Where the project's own source and prose live (generated data such as JSON is not read). */
const ROOTS = ['lambda', 'lib', 'config', 'bin', 'bench', 'scripts', 'test', 'docs', '.ci'];
const TOP_FILES = ['README.md'];
const READ = /\.(ts|mts|mjs|md)$/;

/** The house limit: a file a reader can hold in mind, under 300 lines. */
const MAX_LINES = 299;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return READ.test(entry.name) ? [path] : [];
  });
}

const lineCount = (path: string) =>
  readFileSync(path, 'utf8').replace(/\n$/, '').split('\n').length;

describe('file size', () => {
  const files = [...ROOTS.flatMap(filesUnder), ...TOP_FILES];

  it('reads the project (a walk that found nothing would pass anything)', () => {
    // Assess
    expect(files).toContain('lambda/handlers/validate.ts');
    expect(files).toContain('docs/api.md');
    expect(files.length).toBeGreaterThan(300);
  });

  it(`keeps every source and docs file under ${MAX_LINES + 1} lines`, () => {
    // Act
    const long = files
      .map((path) => ({ path, lines: lineCount(path) }))
      .filter(({ lines }) => lines > MAX_LINES);

    // Assess
    expect(long).toEqual([]);
  });
});

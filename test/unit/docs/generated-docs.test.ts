import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_TABLES, REPOSITORY_ROOT } from '../../../scripts/docs/generated-tables.ts';
import { blockBody, markerLines, replaceBlock } from '../../../scripts/docs/markers.ts';

const RUN = 'run `pnpm run docs` and commit the result';

describe('the generated tables of docs/', () => {
  it.each(GENERATED_TABLES.map((table) => [table.name, table.file, table] as const))(
    'commits %s in %s as `pnpm run docs` writes it',
    (name, file, table) => {
      // Prepare
      const path = new URL(file, REPOSITORY_ROOT);
      const missing = `${file} is missing: create it with the marker lines of ${name}, then ${RUN}`;
      expect(existsSync(path), missing).toBe(true);
      const committed = blockBody(readFileSync(path, 'utf8'), name);

      // Act
      const generated = table.render();

      // Assess: a missing or doubled marker shows as the problem in place of the table.
      const body = 'body' in committed ? committed.body : `(${file} ${committed.problem})`;
      expect(body, `${file}: the ${name} table is not what the generator writes; ${RUN}`).toBe(
        generated,
      );
    },
  );
});

describe('blockBody and replaceBlock', () => {
  const { start, end } = markerLines('example');

  it('replace only what lies between the markers', () => {
    // Prepare
    const text = `# Title\n\nprose before\n${start}\nold table\n${end}\nprose after\n`;

    // Act
    const replaced = replaceBlock(text, 'example', '| new |');

    // Assess
    expect(replaced).toBe(`# Title\n\nprose before\n${start}\n| new |\n${end}\nprose after\n`);
    expect(blockBody(replaced, 'example')).toEqual({ body: '| new |' });
  });

  it.each([
    ['no markers', 'prose only\n', `has no line \`${start}\``],
    ['no end marker', `${start}\ntable\n`, `has no line \`${end}\``],
    ['the markers twice', `${start}\n${end}\n${start}\n${end}\n`, 'more than once'],
    ['the end before the start', `${end}\ntable\n${start}\n`, 'before'],
    ['a marker inside a line', `see ${start}\ntable\n${end}\n`, `has no line \`${start}\``],
  ])('report a file with %s', (_case, text, problem) => {
    // Act
    const found = blockBody(text, 'example');

    // Assess
    expect(found).toEqual({ problem: expect.stringContaining(problem) });
    expect(() => replaceBlock(text, 'example', 'table')).toThrow(problem);
  });
});

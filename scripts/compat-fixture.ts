import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompatFixture } from '#test/compat/story/fixture-format.ts';
import { parseCommandLine } from './cli-args.ts';

// `pnpm compat:fixture -- --ref <git ref>`: runs the compatibility story on a tagged release's own
// code and commits what its table held after it as test/compat/fixtures/<ref>.json, the items
// the forward compatibility test (test/compat/forward.test.ts) reads with today's code.
const DEFAULT_REF = 'release/stop-29';
const parsed = parseCommandLine(process.argv.slice(2), {
  name: 'pnpm compat:fixture',
  usage: `usage: pnpm compat:fixture -- [--ref <git ref>]

Checks <git ref> (default ${DEFAULT_REF}) out into a temporary git worktree, installs its
dependencies offline, runs the compatibility story (test/compat/story/) on its local service
against DynamoDB Local and the sandbox doubles, and writes the table it left, with the doubles'
state and the ref's commit, to test/compat/fixtures/<ref, "/" as "-">.json. Deterministic: the
story's clock and randomness are fixed, so the same ref writes the same file.`,
  options: { ref: { type: 'string' } },
});
if (parsed.exit !== undefined) {
  (parsed.exit === 0 ? process.stdout : process.stderr).write(parsed.text);
  process.exit(parsed.exit);
}
const ref = parsed.values.ref ?? DEFAULT_REF;
const root = fileURLToPath(new URL('..', import.meta.url));
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const commit = git('rev-parse', '--verify', `${ref}^{commit}`).trim();
const scratch = mkdtempSync(join(tmpdir(), 'ravn-compat-'));
const tree = join(scratch, 'tree');
git('worktree', 'add', '--detach', tree, commit);
try {
  console.log(
    `${ref} (${commit.slice(0, 12)}) checked out in ${tree}; installing its dependencies`,
  );
  execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile'], {
    cwd: tree,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Today's story, run on the release's code: it imports only what both have (story-stack.ts).
  const story = join(tree, 'test/compat/story');
  mkdirSync(story, { recursive: true });
  cpSync(join(root, 'test/compat/story'), story, { recursive: true });
  const output = join(scratch, 'story.json');
  console.log('running the story on its local service');
  execFileSync(join(tree, 'node_modules/.bin/tsx'), ['test/compat/story/story-main.ts', output], {
    cwd: tree,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const captured = JSON.parse(readFileSync(output, 'utf8')) as Omit<
    CompatFixture,
    'ref' | 'commit' | 'generatedBy'
  >;
  const fixture: CompatFixture = {
    ref,
    commit,
    generatedBy: `pnpm compat:fixture -- --ref ${ref}`,
    ...captured,
  };
  const file = join(root, 'test/compat/fixtures', `${ref.replace(/[^A-Za-z0-9._-]+/g, '-')}.json`);
  mkdirSync(join(root, 'test/compat/fixtures'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  execFileSync('biome', ['format', '--write', file], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`wrote ${file}: ${fixture.items.length} items`);
} finally {
  git('worktree', 'remove', '--force', tree);
  rmSync(scratch, { recursive: true, force: true });
}

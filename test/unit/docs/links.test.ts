import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  anchorsOf,
  brokenLinks,
  documentationPages,
  githubSlug,
  linkTargets,
  type RepoFiles,
  workingTree,
} from '#test/helpers/markdown-links.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README_MAX_LINES = 260;
const PAGE_MAX_LINES = 300;

const repo = workingTree(ROOT);
const pages = documentationPages(repo);
const lineCount = (text: string) => text.replace(/\n$/, '').split('\n').length;

/** A repository of the given files, for checking the checker. */
function repoOf(files: Record<string, string>): RepoFiles {
  return { files: new Set(Object.keys(files)), read: (file) => files[file] ?? '' };
}

describe('the documentation', () => {
  it('walks the README and the pages under docs/', () => {
    // Assess
    expect(pages).toContain('README.md');
    expect(pages).toContain('docs/deploy.md');
    expect(pages).toContain('docs/runbook.md');
  });

  it.each(pages)('%s: every link reaches a file of the repository and a heading in it', (page) => {
    // Act
    const broken = brokenLinks(repo, page);

    // Assess
    expect(broken).toEqual([]);
  });

  it(`keeps the README at most ${README_MAX_LINES} lines`, () => {
    // Assess
    expect(lineCount(repo.read('README.md'))).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(pages)(`%s stays under ${PAGE_MAX_LINES} lines`, (page) => {
    // Assess
    expect(lineCount(repo.read(page))).toBeLessThan(PAGE_MAX_LINES);
  });
});

describe('githubSlug', () => {
  it.each([
    ['Deploying to AWS', 'deploying-to-aws'],
    ['Operators: admin API and CLI', 'operators-admin-api-and-cli'],
    ['1. Bootstrap (once per account and region)', '1-bootstrap-once-per-account-and-region'],
    ['Only for `pnpm start`', 'only-for-pnpm-start'],
    ['Plans: `config/products.json`', 'plans-configproductsjson'],
    ['`test/unit/`: pure code', 'testunit-pure-code'],
    ['Tests — what each proves', 'tests--what-each-proves'],
    ['The [lease](api.md) and *its* key', 'the-lease-and-its-key'],
    ['`LEMONSQUEEZY_API_KEY` rotation', 'lemonsqueezy_api_key-rotation'],
  ])('turns %j into #%s', (heading, slug) => {
    // Assess
    expect(githubSlug(heading)).toBe(slug);
  });
});

describe('anchorsOf', () => {
  it('numbers repeated headings and ignores headings inside code blocks', () => {
    // Prepare
    const page = ['# Title', '## Context', '```sh', '# not a heading', '```', '## Context'].join(
      '\n',
    );

    // Act
    const anchors = anchorsOf(page);

    // Assess
    expect([...anchors]).toEqual(['title', 'context', 'context-1']);
  });
});

describe('linkTargets', () => {
  it('finds inline, image, reference and HTML links, but none in code', () => {
    // Prepare
    const page = [
      'See [a](a.md#x) and ![chart](c.svg "title").',
      '[ref]: <b.md>',
      '<a href="d.md">d</a> and `[not](e.md)`',
      '```',
      '[not](f.md)',
      '```',
    ].join('\n');

    // Act
    const targets = linkTargets(page);

    // Assess
    expect(targets).toEqual(['a.md#x', 'c.svg', 'b.md', 'd.md']);
  });
});

describe('brokenLinks', () => {
  const files = {
    'README.md': '# Read me\n## Start here\n',
    'docs/guide.md': '# Guide\n## Set up\n',
    'lambda/config.ts': 'export {};\n',
  };

  it.each([
    ['[x](missing.md)', 'no file docs/missing.md in the repository'],
    ['[x](guide.md#nowhere)', 'no heading #nowhere in docs/guide.md'],
    ['[x](#set-down)', 'no heading #set-down in docs/guide.md'],
    ['[x](../../shared/docs/upstreams.md)', 'leaves the repository'],
    ['[x](/work/main/README.md)', 'an absolute path: link relative to the page'],
    ['[x](file:///etc/hosts)', 'leaves the repository: only http(s) and mailto links may'],
    ['[x](../lambda/config.ts#top)', '#top: lambda/config.ts has no headings'],
  ])('reports %s', (link, problem) => {
    // Prepare
    const withLink = repoOf({ ...files, 'docs/guide.md': `${files['docs/guide.md']}${link}\n` });

    // Act
    const broken = brokenLinks(withLink, 'docs/guide.md');

    // Assess
    expect(broken).toEqual([`${/\((.*)\)/.exec(link)?.[1]}: ${problem}`]);
  });

  it('accepts files, folders, headings, line anchors and web links', () => {
    // Prepare
    const links = [
      '[a](../README.md#start-here)',
      '[b](#set-up)',
      '[c](../lambda/)',
      '[d](../lambda/config.ts#L1)',
      '[e](https://docs.aws.amazon.com/lambda/)',
      '[f](guide.md)',
    ].join(' ');
    const withLinks = repoOf({ ...files, 'docs/guide.md': `${files['docs/guide.md']}${links}\n` });

    // Act
    const broken = brokenLinks(withLinks, 'docs/guide.md');

    // Assess
    expect(broken).toEqual([]);
  });
});

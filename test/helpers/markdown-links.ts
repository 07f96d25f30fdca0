import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';

/** The repository's files as the docs see them: paths relative to the root, `/`-separated. */
export interface RepoFiles {
  readonly files: ReadonlySet<string>;
  read(file: string): string;
}

/**
 * The working tree's files that git tracks or would track (ignored ones left out, so a link into
 * `node_modules/` or `cdk.out/` counts as broken), read from disk.
 */
export function workingTree(root: string): RepoFiles {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const files = new Set(
    listed.split('\0').filter((file) => file !== '' && existsSync(posix.join(root, file))),
  );
  return { files, read: (file) => readFileSync(posix.join(root, file), 'utf8') };
}

/** `README.md` and every Markdown page under `docs/`, in a stable order. */
export function documentationPages(repo: RepoFiles): string[] {
  return [...repo.files]
    .filter((file) => file === 'README.md' || (file.startsWith('docs/') && file.endsWith('.md')))
    .sort();
}

/** The page's lines outside fenced code blocks (``` or ~~~); lines inside become empty. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (
      marker &&
      (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))
    ) {
      fence = fence === undefined ? marker : undefined;
      return '';
    }
    return fence === undefined ? line : '';
  });
}

const CODE_SPAN = /(`+)[\s\S]*?\1/g;

/** A heading's text as GitHub renders it: link text kept, markup and code marks dropped. */
function renderedText(markdown: string): string {
  return markdown
    .split(/(`+[^`]*`+)/)
    .map((part, index) => {
      if (index % 2 === 1) return part.replace(/`/g, '');
      return part
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/<[^>]+>/g, '')
        .replace(/\*|~~/g, '')
        .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1');
    })
    .join('');
}

/**
 * GitHub's anchor for a heading (as github-slugger makes it): lower case, every character but
 * letters, marks, digits, `_`, `-` and spaces dropped, spaces turned into `-`.
 */
export function githubSlug(heading: string): string {
  return renderedText(heading)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers: its headings' slugs (repeats get `-1`, `-2`…) and HTML ids. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = githubSlug(heading);
      const count = seen.get(slug);
      seen.set(slug, (count ?? -1) + 1);
      anchors.add(count === undefined ? slug : `${slug}-${count + 1}`);
    }
    for (const match of line.matchAll(/<a\s[^>]*?(?:id|name)="([^"]+)"/g))
      anchors.add(match[1] ?? '');
  }
  return anchors;
}

/** Every link target of a page outside code: inline links and images, references, HTML. */
export function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(text)) {
    const prose = line.replace(CODE_SPAN, '');
    const inline =
      /!?\[(?:[^[\]]|\[[^[\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
    for (const match of prose.matchAll(inline))
      targets.push((match[1] ?? '').replace(/^<|>$/g, ''));
    const reference = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(prose)?.[1];
    if (reference) targets.push(reference.replace(/^<|>$/g, ''));
    for (const match of prose.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g)) {
      targets.push(match[1] ?? '');
    }
  }
  return targets;
}

/** Why one link of `page` does not work, or undefined when it does. */
export function linkProblem(repo: RepoFiles, page: string, target: string): string | undefined {
  if (/^(https?|mailto):/i.test(target)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) {
    return 'leaves the repository: only http(s) and mailto links may';
  }
  if (target.startsWith('/')) return 'an absolute path: link relative to the page';
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = posix.normalize(posix.join(posix.dirname(page), pathPart)).replace(/\/$/, '');
  if (resolved === '..' || resolved.startsWith('../')) return 'leaves the repository';
  const isFile = pathPart === '' || repo.files.has(resolved);
  const isFolder =
    resolved === '.' || [...repo.files].some((file) => file.startsWith(`${resolved}/`));
  if (!isFile && !isFolder) return `no file ${resolved} in the repository`;
  if (anchor === undefined) return undefined;
  const file = pathPart === '' ? page : resolved;
  if (!isFile || !file.endsWith('.md')) {
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `#${anchor}: ${file} has no headings`;
  }
  return anchorsOf(repo.read(file)).has(anchor) ? undefined : `no heading #${anchor} in ${file}`;
}

/** Every broken link of `page`, as `target: problem`. */
export function brokenLinks(repo: RepoFiles, page: string): string[] {
  return linkTargets(repo.read(page)).flatMap((target) => {
    const problem = linkProblem(repo, page, target);
    return problem === undefined ? [] : [`${target}: ${problem}`];
  });
}

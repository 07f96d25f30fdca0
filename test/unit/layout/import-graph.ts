import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root: every path below is relative to it, with forward slashes. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One module specifier of a file, resolved. */
export interface ImportEdge {
  from: string;
  /** A repository path (`lambda/domain/errors.ts`), or a package's specifier (`zod`, `node:fs`). */
  to: string;
  /** Whether `to` is a file of this repository rather than a package. */
  local: boolean;
  /** `import type` / `export type … from` / `import('…')` in a type: erased, loads nothing. */
  typeOnly: boolean;
}

const SOURCE = /\.c?ts$/;

/** Every .ts and .cts file (no declaration files) under `dirs`, sorted. */
export function sourceFiles(dirs: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return found.sort();
}

interface Specifier {
  text: string;
  typeOnly: boolean;
}

/** Module specifiers a file names: static imports, re-exports, `import()`, `require()`. */
function specifiersOf(path: string): Specifier[] {
  const code = readFileSync(join(ROOT, path), 'utf8');
  const file = ts.createSourceFile(path, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Specifier[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean): void => {
    if (node && ts.isStringLiteralLike(node)) found.push({ text: node.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(callee) && callee.text === 'require';
      if (dynamic || required) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  imports: Record<string, string>;
};

/** The repository path `specifier` names from `from`, or undefined for a package. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return normalize(join(dirname(from), specifier));
  if (!specifier.startsWith('#')) return undefined;
  for (const [alias, target] of Object.entries(PACKAGE.imports)) {
    const prefix = alias.replace(/\*$/, '');
    if (specifier.startsWith(prefix)) {
      return normalize(join(target.replace(/\*$/, ''), specifier.slice(prefix.length)));
    }
  }
  throw new Error(`${from}: no package.json "imports" alias matches ${specifier}`);
}

/**
 * Every import of every file under `dirs`. A local specifier that names no file throws, so a
 * resolver that lost its way cannot hide an edge. Imports of data files (JSON) are left out.
 */
export function importGraph(dirs: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of sourceFiles(dirs)) {
    for (const { text, typeOnly } of specifiersOf(from)) {
      const target = resolveLocal(from, text);
      if (target === undefined) {
        edges.push({ from, to: text, local: false, typeOnly });
        continue;
      }
      const to = target.split('\\').join('/');
      if (!existsSync(join(ROOT, to))) throw new Error(`${from}: ${text} names no file (${to})`);
      if (SOURCE.test(to)) edges.push({ from, to, local: true, typeOnly });
    }
  }
  return edges;
}

/** The import cycles among `edges` (strongly connected groups of files), each sorted. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to, local } of edges) {
    if (local) next.set(from, [...(next.get(from) ?? []), to]);
  }
  // Tarjan's algorithm: one depth-first walk numbers the files and finds each group's root.
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (file: string): void => {
    order.set(file, order.size);
    low.set(file, order.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const target of next.get(file) ?? []) {
      if (!order.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, order.get(target) ?? 0));
      }
    }
    if (low.get(file) !== order.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || next.get(file)?.includes(file)) cycles.push(group.sort());
  };
  for (const file of next.keys()) if (!order.has(file)) connect(file);
  return cycles;
}

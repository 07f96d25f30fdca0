import ts from 'typescript';

/**
 * The syntax CloudFront Functions' `cloudfront-js-2.0` runtime lists as supported ("JavaScript
 * runtime 2.0 features for CloudFront Functions", core features): all of ES 5.1, `const` and
 * `let`, `async`/`await` ("async arguments and closures are not supported", so only top-level
 * async function declarations), template literals, arrow functions, rest parameters, `**` and
 * numeric separators. Everything else (destructuring, spread, `?.`, `??`, classes, generators,
 * `for-of`, default parameters, shorthand properties, modules, ...) is refused, so the local
 * emulation fails on code CloudFront would not run. An allow-list rather than a deny-list: a
 * construct the list does not name is refused until someone reads the documentation again.
 *
 * TypeScript's own parser (a dev dependency) reads the source; V8 has already rejected anything
 * that is not JavaScript at all.
 */

/** One construct the runtime does not list, where it is (1-based). */
export interface RefusedSyntax {
  line: number;
  column: number;
  construct: string;
}

/** Thrown when an edge function's source uses syntax `cloudfront-js-2.0` does not list. */
export class EdgeSyntaxError extends Error {
  constructor(
    readonly refusals: readonly RefusedSyntax[],
    source: string,
  ) {
    const list = refusals.map((r) => `${source}:${r.line}:${r.column} ${r.construct}`);
    super(`not in the cloudfront-js-2.0 feature list:\n${list.join('\n')}`);
    this.name = 'EdgeSyntaxError';
  }
}

const K = ts.SyntaxKind;

/** Node kinds of ES 5.1 and of the listed later features (tokens are checked by their parents). */
const LISTED = new Set<ts.SyntaxKind>([
  K.SourceFile,
  K.Block,
  K.EmptyStatement,
  K.VariableStatement,
  K.VariableDeclarationList,
  K.VariableDeclaration,
  K.ExpressionStatement,
  K.IfStatement,
  K.DoStatement,
  K.WhileStatement,
  K.ForStatement,
  K.ForInStatement,
  K.ContinueStatement,
  K.BreakStatement,
  K.ReturnStatement,
  K.SwitchStatement,
  K.CaseBlock,
  K.CaseClause,
  K.DefaultClause,
  K.LabeledStatement,
  K.ThrowStatement,
  K.TryStatement,
  K.CatchClause,
  K.FunctionDeclaration,
  K.FunctionExpression,
  K.ArrowFunction,
  K.Parameter,
  K.ArrayLiteralExpression,
  K.ObjectLiteralExpression,
  K.PropertyAssignment,
  K.GetAccessor,
  K.SetAccessor,
  K.PropertyAccessExpression,
  K.ElementAccessExpression,
  K.CallExpression,
  K.NewExpression,
  K.ParenthesizedExpression,
  K.DeleteExpression,
  K.TypeOfExpression,
  K.VoidExpression,
  K.AwaitExpression,
  K.PrefixUnaryExpression,
  K.PostfixUnaryExpression,
  K.BinaryExpression,
  K.ConditionalExpression,
  K.TemplateExpression,
  K.TemplateSpan,
  K.OmittedExpression,
]);

/** Readable names for the unlisted constructs one is likeliest to write. */
const NAMES: Partial<Record<ts.SyntaxKind, string>> = {
  [K.ObjectBindingPattern]: 'destructuring',
  [K.ArrayBindingPattern]: 'destructuring',
  [K.SpreadElement]: 'spread syntax',
  [K.SpreadAssignment]: 'object spread',
  [K.ShorthandPropertyAssignment]: 'shorthand properties',
  [K.MethodDeclaration]: 'method definitions',
  [K.ComputedPropertyName]: 'computed property names',
  [K.ClassDeclaration]: 'classes',
  [K.ClassExpression]: 'classes',
  [K.ForOfStatement]: 'for-of',
  [K.YieldExpression]: 'generators',
  [K.TaggedTemplateExpression]: 'tagged templates',
  [K.MetaProperty]: 'new.target / import.meta',
  [K.WithStatement]: 'with',
  [K.DebuggerStatement]: 'debugger',
  [K.ImportDeclaration]: 'modules (import)',
  [K.ExportDeclaration]: 'modules (export)',
  [K.ExportAssignment]: 'modules (export)',
};

/** ES 5.1's binary and assignment operators, the comma and ES 7's `**`. */
const LISTED_OPERATORS = new Set<ts.SyntaxKind>([
  K.AsteriskToken,
  K.SlashToken,
  K.PercentToken,
  K.PlusToken,
  K.MinusToken,
  K.LessThanLessThanToken,
  K.GreaterThanGreaterThanToken,
  K.GreaterThanGreaterThanGreaterThanToken,
  K.LessThanToken,
  K.GreaterThanToken,
  K.LessThanEqualsToken,
  K.GreaterThanEqualsToken,
  K.InstanceOfKeyword,
  K.InKeyword,
  K.EqualsEqualsToken,
  K.ExclamationEqualsToken,
  K.EqualsEqualsEqualsToken,
  K.ExclamationEqualsEqualsToken,
  K.AmpersandToken,
  K.CaretToken,
  K.BarToken,
  K.AmpersandAmpersandToken,
  K.BarBarToken,
  K.EqualsToken,
  K.AsteriskEqualsToken,
  K.SlashEqualsToken,
  K.PercentEqualsToken,
  K.PlusEqualsToken,
  K.MinusEqualsToken,
  K.LessThanLessThanEqualsToken,
  K.GreaterThanGreaterThanEqualsToken,
  K.GreaterThanGreaterThanGreaterThanEqualsToken,
  K.AmpersandEqualsToken,
  K.CaretEqualsToken,
  K.BarEqualsToken,
  K.CommaToken,
  K.AsteriskAsteriskToken,
]);

/** The regular expression flags whose accessors the runtime lists (global, ignoreCase, multiline, sticky). */
const LISTED_REGEXP_FLAGS = /^[gimy]*$/;

/** Every construct in `code` that `cloudfront-js-2.0` does not list, in source order. */
export function refusedSyntax(code: string): RefusedSyntax[] {
  const file = ts.createSourceFile('edge.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const refusals: RefusedSyntax[] = [];
  const refuse = (node: ts.Node, construct: string) => {
    const at = file.getLineAndCharacterOfPosition(node.getStart(file));
    refusals.push({ line: at.line + 1, column: at.character + 1, construct });
  };
  const visit = (node: ts.Node): void => {
    const construct = node.kind <= K.LastToken ? tokenRefusal(node, file) : nodeRefusal(node);
    if (construct) refuse(node, construct);
    // Inside an unlisted construct (a pattern's elements, a class's members) one refusal is enough.
    if (node.kind <= K.LastToken || LISTED.has(node.kind)) ts.forEachChild(node, visit);
  };
  visit(file);
  return refusals;
}

/** Throws an `EdgeSyntaxError` naming every unlisted construct in `code`. */
export function assertRuntimeSyntax(code: string, source = 'edge function'): void {
  const refusals = refusedSyntax(code);
  if (refusals.length > 0) throw new EdgeSyntaxError(refusals, source);
}

function tokenRefusal(node: ts.Node, file: ts.SourceFile): string | undefined {
  switch (node.kind) {
    case K.BigIntLiteral:
      return 'BigInt literals';
    case K.PrivateIdentifier:
      return 'classes';
    case K.NumericLiteral:
      return /^0[bBoO]/.test(node.getText(file)) ? 'binary and octal literals' : undefined;
    case K.RegularExpressionLiteral: {
      const text = (node as ts.RegularExpressionLiteral).text;
      const flags = text.slice(text.lastIndexOf('/') + 1);
      return LISTED_REGEXP_FLAGS.test(flags)
        ? undefined
        : `the regular expression flags "${flags}"`;
    }
    default:
      return undefined;
  }
}

function nodeRefusal(node: ts.Node): string | undefined {
  if (!LISTED.has(node.kind)) return NAMES[node.kind] ?? `${K[node.kind]} (not listed)`;
  if ('questionDotToken' in node && node.questionDotToken) return 'optional chaining (?.)';
  if (ts.isFunctionLike(node)) return functionRefusal(node);
  if (ts.isParameter(node) && node.initializer) return 'default parameters';
  if (ts.isBinaryExpression(node)) return binaryRefusal(node);
  if (ts.isForInStatement(node) && isPattern(node.initializer)) return 'destructuring';
  if (ts.isCatchClause(node) && !node.variableDeclaration) return 'catch without a binding';
  if (ts.isCallExpression(node) && node.expression.kind === K.ImportKeyword) return 'import()';
  if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Using) return 'using';
  return undefined;
}

function functionRefusal(node: ts.SignatureDeclaration): string | undefined {
  if ('asteriskToken' in node && node.asteriskToken) return 'generators';
  for (const modifier of ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []) {
    if (modifier.kind !== K.AsyncKeyword) return 'modules (export)';
    // "async arguments and closures are not supported": only a top-level declaration.
    const topLevel = ts.isFunctionDeclaration(node) && ts.isSourceFile(node.parent);
    if (!topLevel) return 'async closures and async arguments';
  }
  return undefined;
}

function binaryRefusal(node: ts.BinaryExpression): string | undefined {
  const operator = node.operatorToken.kind;
  if (!LISTED_OPERATORS.has(operator)) return `the ${ts.tokenToString(operator)} operator`;
  if (operator === K.EqualsToken && isPattern(node.left)) return 'destructuring';
  return undefined;
}

/** An array or object literal where a target belongs: a destructuring assignment. */
function isPattern(node: ts.Node): boolean {
  return ts.isArrayLiteralExpression(node) || ts.isObjectLiteralExpression(node);
}

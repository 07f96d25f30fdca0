import { describe, expect, it } from 'vitest';
import { loadEdgeFunction } from '#lambda/edge/edge-function.ts';
import { methodGuardCode } from '#lambda/edge/method-guard-code.ts';
import { EdgeSyntaxError, refusedSyntax } from '#lambda/edge/runtime-syntax.ts';

/** A guard whose handler runs `statements` first, then lets the request through. */
const guardWith = (statements: string) =>
  `function handler(event) {\n  var request = event.request;\n  ${statements}\n  return request;\n}\n`;

/** Constructs the `cloudfront-js-2.0` feature list does not name, each in an otherwise valid guard. */
const REFUSED: Array<[string, string, string]> = [
  ['destructuring', guardWith('var { method } = request;'), 'destructuring'],
  ['array destructuring', guardWith('var [first] = [request.method];'), 'destructuring'],
  ['destructuring assignment', guardWith('var m; ({ method: m } = request);'), 'destructuring'],
  ['destructured parameters', 'function handler({ request }) { return request; }', 'destructuring'],
  ['optional chaining', guardWith('var m = event.request?.method;'), 'optional chaining (?.)'],
  ['optional calls', guardWith('var m = request.method.trim?.();'), 'optional chaining (?.)'],
  ['nullish coalescing', guardWith('var m = request.method ?? "GET";'), 'the ?? operator'],
  ['logical assignment', guardWith('request.method ||= "GET";'), 'the ||= operator'],
  ['spread arguments', guardWith('Math.max(...[1, 2]);'), 'spread syntax'],
  ['object spread', guardWith('var copy = { ...request };'), 'object spread'],
  [
    'shorthand properties',
    guardWith('var uri = request.uri; var o = { uri };'),
    'shorthand properties',
  ],
  ['method definitions', guardWith('var o = { m() { return 1; } };'), 'method definitions'],
  [
    'computed property names',
    guardWith('var o = { [request.method]: 1 };'),
    'computed property names',
  ],
  [
    'default parameters',
    'function handler(event, extra = 1) { return event.request; }',
    'default parameters',
  ],
  ['classes', `class Guard {}\n${guardWith('')}`, 'classes'],
  ['for-of', guardWith('for (var part of ["a"]) {}'), 'for-of'],
  ['generators', `function* parts() {}\n${guardWith('')}`, 'generators'],
  [
    'async arrow closures',
    guardWith('var check = async () => true;'),
    'async closures and async arguments',
  ],
  ['tagged templates', guardWith('String.raw`x`;'), 'tagged templates'],
  ['BigInt literals', guardWith('var big = 10n;'), 'BigInt literals'],
  ['binary literals', guardWith('var mask = 0b101;'), 'binary and octal literals'],
  [
    'catch without a binding',
    guardWith('try { request.uri.trim(); } catch {}'),
    'catch without a binding',
  ],
  [
    'the regular expression flag s',
    guardWith('var r = /a.b/s;'),
    'the regular expression flags "s"',
  ],
];

describe('refusedSyntax (the cloudfront-js-2.0 feature list)', () => {
  it.each(REFUSED)('refuses %s when the function loads', (_name, code, construct) => {
    // Act
    const load = () => loadEdgeFunction(code);

    // Assess
    expect(load).toThrow(EdgeSyntaxError);
    expect(refusedSyntax(code).map((refusal) => refusal.construct)).toEqual([construct]);
  });

  it('says where each refused construct is', () => {
    // Prepare
    const code = guardWith('var { method } = request;\n  var m = request?.uri;');

    // Act
    const load = () => loadEdgeFunction(code);

    // Assess
    expect(load).toThrow(
      'not in the cloudfront-js-2.0 feature list:\nedge function:3:7 destructuring\n' +
        'edge function:4:11 optional chaining (?.)',
    );
  });

  it('accepts what the list names: ES 5.1, const/let, arrows, templates, rest, **, async/await', async () => {
    // Prepare
    const code = [
      'const LIMIT = 1_000;',
      'async function allowed(method) { return method === "POST"; }',
      'async function handler(event) {',
      '  let request = event.request;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the guard's own template literal
      '  const join = (...parts) => parts.join(`/${2 ** 3}`);',
      '  var o = { get size() { return LIMIT; }, "quoted": 1, 2: 3 };',
      '  for (var key in o) { if (/^q/gi.test(key)) break; }',
      '  label: do { continue label; } while (false);',
      '  try { join(request.uri); } catch (error) { throw error; } finally { o.quoted = 2; }',
      '  switch (typeof request.method) { case "string": break; default: void 0; }',
      '  return (await allowed(request.method)) ? request : { statusCode: 405, headers: {} };',
      '}',
    ].join('\n');

    // Act
    const run = loadEdgeFunction(code);

    // Assess
    expect(refusedSyntax(code)).toEqual([]);
    expect((await run({ method: 'GET', uri: '/v1/trial' }, 'edge-1'))?.statusCode).toBe(405);
  });

  it.each([false, true])(
    'passes the method guard as deployed (passPreflights: %s)',
    (passPreflights) => {
      // Act
      const refusals = refusedSyntax(methodGuardCode({ passPreflights }));

      // Assess
      expect(refusals).toEqual([]);
    },
  );
});

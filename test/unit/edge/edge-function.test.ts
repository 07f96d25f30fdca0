import { describe, expect, it } from 'vitest';
import { EdgeFunctionError, loadEdgeFunction } from '#lambda/edge/edge-function.ts';

const GET = { method: 'GET', uri: '/v1/validate' };

/** A viewer-request function whose handler runs `body` (with `event` in scope). */
function guardRunning(body: string): string {
  return `function handler(event) {\n  ${body}\n}\n`;
}

describe('loadEdgeFunction (cloudfront-js-2.0 at run time)', () => {
  it('throws on an assignment to an undeclared variable, as strict mode does', async () => {
    // Prepare
    const run = loadEdgeFunction(
      guardRunning('leaked = event.request.method; return event.request;'),
    );

    // Act
    const outcome = run(GET, 'edge-1');

    // Assess
    await expect(outcome).rejects.toThrow(EdgeFunctionError);
    await expect(outcome).rejects.toThrow(/leaked is not defined/);
  });

  it('throws on eval, as dynamic code evaluation does at CloudFront', async () => {
    // Prepare
    const run = loadEdgeFunction(guardRunning("return eval('event.request');"));

    // Act
    const outcome = run(GET, 'edge-2');

    // Assess
    await expect(outcome).rejects.toThrow(/Code generation from strings disallowed/);
  });

  it('throws on the Function constructor, as dynamic code evaluation does at CloudFront', async () => {
    // Prepare
    const run = loadEdgeFunction(
      guardRunning("var pass = new Function('e', 'return e.request'); return pass(event);"),
    );

    // Act
    const outcome = run(GET, 'edge-3');

    // Assess
    await expect(outcome).rejects.toThrow(/Code generation from strings disallowed/);
  });

  it('awaits an async handler and answers with its response instead of going on to the origin', async () => {
    // Prepare
    const run = loadEdgeFunction(
      `async function check(request) {\n  return request.method === 'POST';\n}\n` +
        `async function handler(event) {\n  if (await check(event.request)) return event.request;\n` +
        `  return { statusCode: 403, statusDescription: 'Forbidden', headers: {} };\n}\n`,
    );

    // Act
    const refused = await run(GET, 'edge-4');
    const passed = await run({ method: 'POST', uri: '/v1/validate' }, 'edge-5');

    // Assess
    expect(refused?.statusCode).toBe(403);
    expect(passed).toBeUndefined();
  });

  it('fails a handler that returns neither the request nor a response', async () => {
    // Prepare
    const run = loadEdgeFunction(guardRunning('return undefined;'));

    // Act
    const outcome = run(GET, 'edge-6');

    // Assess
    await expect(outcome).rejects.toThrow(/neither the request nor a response/);
  });

  it('reports errors at the line of the function source', async () => {
    // Prepare
    const run = loadEdgeFunction(guardRunning('throw new Error("line two");'));

    // Act
    const error = await run(GET, 'edge-7').catch((thrown: unknown) => thrown);

    // Assess
    const cause = (error as EdgeFunctionError).cause as Error;
    expect(cause.stack).toMatch(/evalmachine\.<anonymous>:2:/);
  });
});

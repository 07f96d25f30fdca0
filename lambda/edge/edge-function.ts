import { runInNewContext } from 'node:vm';
import { methodGuardCode } from './method-guard-code.ts';
import { assertRuntimeSyntax } from './runtime-syntax.ts';

/** A viewer request as CloudFront Functions see it (the fields our function reads). */
export interface EdgeRequest {
  method: string;
  uri: string;
}

/** What a viewer-request function returns when it answers instead of the origin. */
export interface EdgeResponse {
  statusCode: number;
  headers: Record<string, { value: string }>;
  body?: { encoding: 'text'; data: string };
}

/** The function threw, or returned neither the request nor a response: CloudFront answers 503. */
export class EdgeFunctionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EdgeFunctionError';
  }
}

type EdgeHandler = (event: unknown) => unknown;

/** Runs a viewer-request function: its answer, or `undefined` when the request goes on to the origin. */
export type EdgeRunner = (
  request: EdgeRequest,
  requestId: string,
) => Promise<EdgeResponse | undefined>;

/**
 * Runs a CloudFront Function's source in a fresh V8 context, as `cloudfront-js-2.0` would: the
 * local server and the benchmark put the deployed code in front of the handlers, and the tests
 * check it against the functions' own answers. What CloudFront refuses is refused here too:
 * syntax outside the runtime's feature list (`runtime-syntax.ts`) when loading; at run time,
 * strict mode (always on there, so an undeclared assignment throws), and `eval` or the
 * `Function` constructor throw, as "dynamic code evaluation" does there. An `async` handler
 * (listed by 2.0) is awaited. The context has no timers, `process`, `require` or network.
 * By default, the method guard as a deployment without CORS runs it.
 */
export function loadEdgeFunction(
  code: string = methodGuardCode({ passPreflights: false }),
): EdgeRunner {
  assertRuntimeSyntax(code);
  const sandbox: { handler?: EdgeHandler } = {};
  runInNewContext(`'use strict';\n${code}\nthis.handler = handler;`, sandbox, {
    // Keeps line numbers in errors those of `code`, despite the line put before it.
    lineOffset: -1,
    contextCodeGeneration: { strings: false, wasm: false },
  });
  const handler = sandbox.handler;
  if (typeof handler !== 'function') throw new Error('the edge function defines no handler');
  return async (request, requestId) => {
    let result: unknown;
    try {
      result = await handler({
        version: '1.0',
        context: { eventType: 'viewer-request', requestId },
        viewer: { ip: '127.0.0.1' },
        request: { ...request, querystring: {}, headers: {}, cookies: {} },
      });
    } catch (error) {
      throw new EdgeFunctionError(`the edge function threw: ${String(error)}`, { cause: error });
    }
    if (isResponse(result)) return result;
    if (isRequest(result)) return undefined;
    throw new EdgeFunctionError('the edge function returned neither the request nor a response');
  };
}

function isResponse(value: unknown): value is EdgeResponse {
  return typeof value === 'object' && value !== null && 'statusCode' in value;
}

function isRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'method' in value && 'uri' in value;
}

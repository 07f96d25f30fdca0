import { runInNewContext } from 'node:vm';
import { methodGuardCode } from './method-guard-code.ts';

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

type EdgeHandler = (event: unknown) => EdgeRequest | EdgeResponse;

/**
 * Runs a CloudFront Function's source in a fresh V8 context, as the edge would: the local server
 * and the benchmark put the deployed code in front of the handlers, and the tests check it
 * against the functions' own answers. Returns `undefined` when the request goes on to the origin.
 * By default, the method guard as a deployment without CORS runs it.
 */
export function loadEdgeFunction(
  code: string = methodGuardCode({ passPreflights: false }),
): (request: EdgeRequest, requestId: string) => EdgeResponse | undefined {
  const sandbox: { handler?: EdgeHandler } = {};
  // Strict mode, as cloudfront-js-2.0 runs functions.
  runInNewContext(`'use strict';\n${code}\nthis.handler = handler;`, sandbox);
  const handler = sandbox.handler;
  if (!handler) throw new Error('the edge function defines no handler');
  return (request, requestId) => {
    const result = handler({
      version: '1.0',
      context: { eventType: 'viewer-request', requestId },
      viewer: { ip: '127.0.0.1' },
      request: { ...request, querystring: {}, headers: {}, cookies: {} },
    });
    return 'statusCode' in result ? result : undefined;
  };
}

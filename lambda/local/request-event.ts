import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiEvent } from './api-event.ts';

/**
 * The function URL event (payload format 2.0, `apiEvent`) for a request the local server
 * received. `edgeHeaders` are the ones CloudFront sets on its way to the origin: each replaces
 * whatever the client sent under that name, in any spelling.
 */
export function functionUrlEvent(
  request: IncomingMessage,
  body: Buffer,
  options: { requestId: string; edgeHeaders?: Record<string, string> },
): APIGatewayProxyEventV2 {
  const headers = headersOf(request.rawHeaders);
  for (const [name, value] of Object.entries(options.edgeHeaders ?? {})) {
    headers[name.toLowerCase()] = [value];
  }
  const contentType = headers['content-type']?.join(',') ?? '';
  // Function URLs pass text bodies as they are and base64-encode anything else.
  const textual = /^(application\/json|text\/)/i.test(contentType);
  const url = new URL(request.url ?? '/', 'http://localhost');
  return apiEvent({
    path: url.pathname,
    query: url.search.slice(1),
    method: request.method ?? 'GET',
    headers,
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !textual,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${request.httpVersion}`,
    requestId: options.requestId,
  });
}

/**
 * Node's `rawHeaders` (name, value, name, value, …) as lower-cased names to every value sent,
 * in order. Not `IncomingMessage.headers`: it joins repeats with ", " and keeps only the first
 * of some (`content-type`, `user-agent`, …), where a function URL keeps them all.
 */
export function headersOf(rawHeaders: readonly string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    const value = rawHeaders[index + 1] ?? '';
    headers[name] = [...(headers[name] ?? []), value];
  }
  return headers;
}

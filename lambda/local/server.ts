import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { ADMIN_PREFIX } from '#config/admin.ts';
import { CLIENT_PATHS } from '#config/edge.ts';
import { type FunctionName, functionOf } from '#config/routes.ts';
import { VIEWER_ADDRESS_HEADER } from '#http/client-ip.ts';
import { errorResponse } from '#http/error-response.ts';
import type { ApiHandler } from '#http/run-route.ts';
import {
  EdgeFunctionError,
  type EdgeResponse,
  type EdgeRunner,
  loadEdgeFunction,
} from '#lambda/edge/edge-function.ts';
import { methodGuardCode } from '#lambda/edge/method-guard-code.ts';
import { corsResponseHeaders, preflightAnswer } from './cors.ts';
import { functionUrlEvent } from './request-event.ts';

/** Far above the handlers' own 16 KB limit: big enough to let them answer 413 themselves. */
const MAX_LOCAL_BODY_BYTES = 1024 * 1024;

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const clientPaths: ReadonlySet<string> = new Set(CLIENT_PATHS);

/** Each function's handler, as its Lambda entry point would run it. */
export type LocalFunctions = Readonly<Record<FunctionName, ApiHandler>>;

/**
 * Serves Lambda handlers over plain HTTP, each path to its function as config/routes.ts says,
 * translating each request into the event a Lambda function URL would deliver (payload format
 * 2.0), so the handlers run exactly as in AWS. The client paths first go through the same
 * CloudFront Function the deployed edge runs; CORS is off unless `corsOrigins` lists origins, and
 * then preflights and answers get the CORS headers the deployed stack gives (`cors.ts`);
 * `CloudFront-Viewer-Address` is set from the socket.
 */
export async function startLocalServer(
  functions: LocalFunctions,
  options: {
    port?: number;
    host?: string;
    admin?: ApiHandler;
    /** The `corsOrigins` deploy setting; none (no CORS) by default. */
    corsOrigins?: readonly string[];
  } = {},
): Promise<LocalServer> {
  const corsOrigins = options.corsOrigins ?? [];
  const methodGuard = loadEdgeFunction(methodGuardCode({ passPreflights: corsOrigins.length > 0 }));
  const server = createServer((request, response) => {
    route(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"error":"Internal error.","code":"INTERNAL_ERROR","requestId":"local"}');
    });
  });
  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const preflight = preflightAnswer(request.method, url.pathname, request.headers, corsOrigins);
    if (preflight) {
      request.resume();
      response.writeHead(preflight.statusCode, preflight.headers);
      response.end();
      return;
    }
    if (clientPaths.has(url.pathname)) {
      const answer = await runEdge(methodGuard, request, url);
      if (answer) {
        request.resume();
        writeEdgeResponse(response, answer);
        return;
      }
    }
    // The admin function has a URL of its own in AWS, without CORS.
    const cors = url.pathname.startsWith(ADMIN_PREFIX)
      ? {}
      : corsResponseHeaders(url.pathname, request.headers, corsOrigins);
    await serve(functions, request, response, options.admin, cors);
  }
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () => closeServer(server),
  };
}

async function serve(
  functions: LocalFunctions,
  request: IncomingMessage,
  response: ServerResponse,
  admin: ApiHandler | undefined,
  corsHeaders: Record<string, string>,
): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(request.url ?? '/', 'http://localhost');
  const body = await readBody(request);
  const name = functionOf(url.pathname);
  // The admin function has a URL of its own in AWS; here it shares the server, under /admin/.
  const handler = url.pathname.startsWith(ADMIN_PREFIX) ? admin : name && functions[name];
  let result: APIGatewayProxyResultV2;
  if (body === 'too-large') {
    result = errorResponse('PAYLOAD_TOO_LARGE', 'The body is too large.', requestId);
  } else if (!handler) {
    result = errorResponse('NOT_FOUND', 'No such endpoint.', requestId);
  } else {
    // As CloudFront does: the address the connection came from, whatever the client sent.
    const edgeHeaders = { [VIEWER_ADDRESS_HEADER]: viewerAddress(request) };
    const event = functionUrlEvent(request, body, { requestId, edgeHeaders });
    result = await handler(event, { awsRequestId: requestId });
  }
  writeResult(response, result, corsHeaders);
}

/**
 * The guard's answer, `undefined` to go on; a guard that fails gets the 503 CloudFront gives
 * when a function cannot run (its reason in the body, which CloudFront's own page would not say).
 */
async function runEdge(
  guard: EdgeRunner,
  request: IncomingMessage,
  url: URL,
): Promise<EdgeResponse | undefined> {
  try {
    return await guard({ method: request.method ?? 'GET', uri: url.pathname }, randomUUID());
  } catch (error) {
    if (!(error instanceof EdgeFunctionError)) throw error;
    const text = `CloudFront function failed (local emulation): ${error.message}`;
    return {
      statusCode: 503,
      headers: { 'content-type': { value: 'text/plain' } },
      body: { encoding: 'text', data: text },
    };
  }
}

/** `address:port`, IPv6 unbracketed, as CloudFront writes `CloudFront-Viewer-Address`. */
function viewerAddress(request: IncomingMessage): string {
  const { remoteAddress = '127.0.0.1', remotePort = 0 } = request.socket;
  return `${remoteAddress}:${remotePort}`;
}

function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_LOCAL_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function writeResult(
  response: ServerResponse,
  result: APIGatewayProxyResultV2,
  corsHeaders: Record<string, string>,
): void {
  if (typeof result === 'string') {
    response.writeHead(200, { 'content-type': 'application/json', ...corsHeaders });
    response.end(result);
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  // As CloudFront's policy does (`originOverride`): its CORS headers win over the function's.
  Object.assign(headers, corsHeaders);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(
    result.body && result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body,
  );
}

function writeEdgeResponse(response: ServerResponse, answer: EdgeResponse): void {
  const headers: Record<string, string> = {};
  for (const [name, { value }] of Object.entries(answer.headers)) headers[name] = value;
  response.writeHead(answer.statusCode, headers);
  response.end(answer.body?.data);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

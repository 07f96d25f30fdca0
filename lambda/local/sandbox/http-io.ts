import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a double answers with: always JSON; the content type varies by upstream API. */
export interface JsonReply {
  status: number;
  body: unknown;
  contentType?: string;
  /** Extra response headers (a 429's `Retry-After`), names lower-case. */
  headers?: Record<string, string>;
}

/** Writes a JSON reply, unless the client or `close()` already tore the socket down. */
export function sendJson(res: ServerResponse, reply: JsonReply): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-type': reply.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** The body was declared (or assumed to be) JSON but is not a JSON object. */
export class BodyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyParseError';
  }
}

export interface ReadBodyOptions {
  /**
   * How to read a body whose content type is neither JSON nor form-encoded. Laravel (LemonSqueezy)
   * ignores such a body, so `ignore` is the default; OpenRouter reads JSON regardless.
   */
  otherContentType?: 'ignore' | 'json';
}

/**
 * Reads a request body as a flat object: JSON (`application/json`, `application/vnd.api+json`)
 * or `application/x-www-form-urlencoded`. An empty body gives `{}`.
 * Throws BodyParseError when a JSON body does not parse to an object.
 */
export async function readBody(
  req: IncomingMessage,
  options: ReadBodyOptions = {},
): Promise<Record<string, unknown>> {
  const text = (await bufferBody(req)).toString('utf8');
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  const isJson = type.includes('/json') || type.includes('+json');
  if (!isJson && options.otherContentType !== 'json') return {};
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BodyParseError('body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyParseError('body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

const BUFFERED = Symbol('bufferedBody');
type Buffered = IncomingMessage & { [BUFFERED]?: Buffer };

/**
 * The request's whole body, read once and kept on the request. A 'slow' fault reads it before
 * waiting, like a real server that has the request in hand and acts on it even when the client
 * has given up by the time it answers.
 */
export async function bufferBody(req: IncomingMessage): Promise<Buffer> {
  const buffered = req as Buffered;
  if (buffered[BUFFERED]) return buffered[BUFFERED];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  buffered[BUFFERED] = Buffer.concat(chunks);
  return buffered[BUFFERED];
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** What every double is started with, besides the credentials it guards its routes with. */
export interface DoubleOptions {
  /** Default 0: any free port. */
  port?: number;
  /** The double's clock (its time stamps, expiry checks, rate windows). */
  now?: () => Date;
}

/** The clock a double runs on: the one it was given, else the system's. */
export function clockOf(options: DoubleOptions): () => Date {
  return options.now ?? (() => new Date());
}

/**
 * Resolves with `double` once it listens on the options' port, any free one by default. The
 * double hands over its own `listen`: the server's, which only the double may call.
 */
export async function listening<Double>(
  double: Double,
  listen: (port: number) => Promise<void>,
  options: DoubleOptions,
): Promise<Double> {
  await listen(options.port ?? 0);
  return double;
}

import { request } from 'node:http';
import { type HttpResult, httpResult, type TestStack } from '#test/helpers/test-stack.ts';

/**
 * A JSON POST to the local server from the loopback address `from` (any of 127.0.0.0/8 on
 * Linux): the server sets `CloudFront-Viewer-Address` from the socket, as CloudFront would, so
 * this is how a test sends requests "from" different clients. `headers` may name that header
 * too, to show it is overwritten.
 */
export function postFrom(
  stack: Pick<TestStack, 'url'>,
  from: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const url = new URL(path, stack.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) responseHeaders[name] = String(value);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(httpResult(response.statusCode ?? 0, text, responseHeaders));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** The limiter's counters in the table (`RATE#<limit>#<subject>` items). */
export async function rateItems(stack: Pick<TestStack, 'items'>) {
  return (await stack.items()).filter((item) => String(item.pk).startsWith('RATE#'));
}

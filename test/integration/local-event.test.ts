import { connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#config/routes.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { type LocalFunctions, type LocalServer, startLocalServer } from '#local/server.ts';

/**
 * The request behind the example event in AWS's "Invoking Lambda function URLs", sent byte for
 * byte (a socket, so no client adds or merges a header) to one of our paths: a repeated query
 * key, two cookies, a repeated header, user agent "agent", a text body.
 */
const EXAMPLE_QUERY = 'parameter1=value1&parameter1=value2&parameter2=value';
const BODY = 'Hello from client!';

/** Writes `lines` and the body as one HTTP/1.1 request; resolves with the status line. */
function sendRaw(url: string, lines: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end(`${lines.join('\r\n')}\r\n\r\n${BODY}`);
    });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
  });
}

describe('the local server hands the handlers the function URL event', () => {
  const events: APIGatewayProxyEventV2[] = [];
  let server: LocalServer;

  beforeAll(async () => {
    const capture: ApiHandler = async (event) => {
      events.push(event);
      return { statusCode: 204 };
    };
    const functions = Object.fromEntries(
      Object.values(ROUTES).map((name) => [name, capture]),
    ) as LocalFunctions;
    server = await startLocalServer(functions);
  });

  afterAll(() => server.close());

  it("of AWS's documented example request: cookies, joined headers, query parameters", async () => {
    // Prepare
    const host = new URL(server.url).host;

    // Act
    const status = await sendRaw(server.url, [
      `POST /v1/validate?${EXAMPLE_QUERY} HTTP/1.1`,
      `Host: ${host}`,
      'header1: value1',
      'header2: value1',
      'header2: value2',
      'Cookie: cookie1; cookie2',
      'User-Agent: agent',
      'Content-Type: text/plain',
      `Content-Length: ${BODY.length}`,
      // Sent by the client; the server puts the socket's address in its place, as CloudFront does.
      'CloudFront-Viewer-Address: 203.0.113.9:443',
      'Connection: close',
    ]);

    // Assess
    expect(status).toBe('HTTP/1.1 204 No Content');
    expect(events.at(-1)).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/v1/validate',
      rawQueryString: EXAMPLE_QUERY,
      cookies: ['cookie1', 'cookie2'],
      headers: {
        host,
        header1: 'value1',
        header2: 'value1,value2',
        'user-agent': 'agent',
        'content-type': 'text/plain',
        'content-length': String(BODY.length),
        'cloudfront-viewer-address': expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        connection: 'close',
      },
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: host,
        domainPrefix: 'localhost',
        http: {
          method: 'POST',
          path: '/v1/validate',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'agent',
        },
        requestId: expect.any(String),
        routeKey: '$default',
        stage: '$default',
        time: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
        timeEpoch: expect.any(Number),
      },
      body: BODY,
      isBase64Encoded: false,
    });
  });

  it('keeps every value of a repeated header Node would keep only once', async () => {
    // Act
    await sendRaw(server.url, [
      'POST /v1/activate HTTP/1.1',
      'Host: localhost',
      'User-Agent: first',
      'User-Agent: second',
      'Content-Type: text/plain',
      'Content-Type: text/html',
      `Content-Length: ${BODY.length}`,
      'Connection: close',
    ]);

    // Assess
    const event = events.at(-1);
    expect(event?.headers['user-agent']).toBe('first,second');
    expect(event?.headers['content-type']).toBe('text/plain,text/html');
  });
});

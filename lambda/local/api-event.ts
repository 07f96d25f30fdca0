import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiEventInput {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** The body exactly as the front door hands it over (base64 when `isBase64Encoded`). */
  body?: string | undefined;
  isBase64Encoded?: boolean;
  query?: string;
  sourceIp?: string;
  protocol?: string;
  requestId?: string;
}

/**
 * The event a Lambda function URL (payload format 2.0) delivers for one request. The local
 * server, the benchmark and the tests all build events here, so the handlers see one shape.
 */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  const headers = input.headers ?? {};
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: input.path,
    rawQueryString: input.query ?? '',
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: input.method ?? 'POST',
        path: input.path,
        protocol: input.protocol ?? 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId ?? randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: input.body,
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
}

/** A JSON POST to `path`. */
export function jsonEvent(
  path: string,
  value: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  return apiEvent({
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  });
}

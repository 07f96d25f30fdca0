import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Request headers: any spelling of a name; a name sent more than once, as the list of its values. */
export type RequestHeaders = Record<string, string | readonly string[]>;

export interface ApiEventInput {
  path: string;
  method?: string;
  headers?: RequestHeaders;
  /** The body exactly as the front door hands it over (base64 when `isBase64Encoded`). */
  body?: string | undefined;
  isBase64Encoded?: boolean;
  /** The query string as sent, without the `?`. */
  query?: string;
  sourceIp?: string;
  protocol?: string;
  requestId?: string;
}

/**
 * The event a Lambda function URL delivers for one request, following the documented payload
 * format 2.0 ("Invoking Lambda function URLs", request payload): header names lower-cased and a
 * repeated header's values joined with ","; the `Cookie` header(s) not among the headers but
 * split into `cookies`; `queryStringParameters` only when there is a query, a repeated key's
 * values joined with ","; `time` in the access-log form. The fields function URLs set to null or
 * leave out (`pathParameters`, `stageVariables`, `authentication`, and `authorizer` without IAM
 * auth) are left out. The local server, the benchmark and the tests all build events here, so
 * the handlers see one shape.
 */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  const { cookies, headers } = splitHeaders(input.headers ?? {});
  const rawQueryString = input.query ?? '';
  const queryStringParameters = queryParameters(rawQueryString);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: input.path,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
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
      time: accessLogTime(now),
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

function splitHeaders(input: RequestHeaders): {
  cookies: string[];
  headers: Record<string, string>;
} {
  const values = new Map<string, string[]>();
  for (const [name, value] of Object.entries(input)) {
    const key = name.toLowerCase();
    const list = values.get(key) ?? [];
    list.push(...(typeof value === 'string' ? [value] : value));
    values.set(key, list);
  }
  const cookies = (values.get('cookie') ?? []).flatMap((line) =>
    line
      .split(';')
      .map((cookie) => cookie.trim())
      .filter((cookie) => cookie.length > 0),
  );
  values.delete('cookie');
  const headers: Record<string, string> = {};
  for (const [name, list] of values) headers[name] = list.join(',');
  return { cookies, headers };
}

/** Each key's decoded values joined with ","; undefined for an empty query, as AWS leaves it out. */
function queryParameters(query: string): Record<string, string> | undefined {
  if (query === '') return undefined;
  const values = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  if (values.size === 0) return undefined;
  return Object.fromEntries([...values].map(([key, list]) => [key, list.join(',')]));
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, as `requestContext.time` reads. */
function accessLogTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`;
  const clock = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${day}:${clock} +0000`;
}

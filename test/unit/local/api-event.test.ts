import { describe, expect, it } from 'vitest';
import { apiEvent } from '#local/api-event.ts';

/**
 * The request behind the example event in AWS's "Invoking Lambda function URLs" (request payload
 * format): POST /my/path with a repeated query key, two cookies, a repeated header, user agent
 * "agent" and a text body, from 123.123.123.123.
 */
const EXAMPLE_QUERY = 'parameter1=value1&parameter1=value2&parameter2=value';

/** `requestContext.time` as the example spells it: `12/Mar/2020:19:03:58 +0000`. */
const ACCESS_LOG_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

describe('apiEvent (function URL payload format 2.0)', () => {
  it("builds AWS's documented example event from the example's request", () => {
    // Act
    const event = apiEvent({
      path: '/my/path',
      method: 'POST',
      query: EXAMPLE_QUERY,
      headers: {
        Header1: 'value1',
        header2: ['value1', 'value2'],
        Cookie: 'cookie1; cookie2',
        'User-Agent': 'agent',
      },
      body: 'Hello from client!',
      sourceIp: '123.123.123.123',
      requestId: 'id',
    });

    // Assess: the example's fields (account, URL id and domain are local ones; the ones the
    // documentation says are null or left out are left out).
    expect(event).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/my/path',
      rawQueryString: EXAMPLE_QUERY,
      cookies: ['cookie1', 'cookie2'],
      headers: { header1: 'value1', header2: 'value1,value2', 'user-agent': 'agent' },
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: {
          method: 'POST',
          path: '/my/path',
          protocol: 'HTTP/1.1',
          sourceIp: '123.123.123.123',
          userAgent: 'agent',
        },
        requestId: 'id',
        routeKey: '$default',
        stage: '$default',
        time: expect.stringMatching(ACCESS_LOG_TIME),
        timeEpoch: expect.any(Number),
      },
      body: 'Hello from client!',
      isBase64Encoded: false,
    });
  });

  it('leaves out cookies and queryStringParameters when the request has none', () => {
    // Act
    const event = apiEvent({
      path: '/v1/validate',
      headers: { 'content-type': 'application/json' },
    });

    // Assess
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event.rawQueryString).toBe('');
  });

  it('joins every value of a header sent under several spellings, and every Cookie line', () => {
    // Act
    const event = apiEvent({
      path: '/v1/validate',
      query: 'a=1&b&a=%20two&&c=',
      headers: { Accept: 'text/plain', accept: ['application/json'], cookie: ['x=1', 'y=2; z=3'] },
    });

    // Assess
    expect(event.headers).toEqual({ accept: 'text/plain,application/json' });
    expect(event.cookies).toEqual(['x=1', 'y=2', 'z=3']);
    expect(event.queryStringParameters).toEqual({ a: '1, two', b: '', c: '' });
  });

  it("stamps the request's time in the access-log form, in UTC", () => {
    // Act
    const event = apiEvent({ path: '/v1/validate' });

    // Assess
    const { time, timeEpoch } = event.requestContext;
    const at = new Date(timeEpoch);
    expect(time).toMatch(ACCESS_LOG_TIME);
    expect(time.slice(0, 2)).toBe(String(at.getUTCDate()).padStart(2, '0'));
    expect(time.slice(12, 20)).toBe(at.toISOString().slice(11, 19));
  });
});

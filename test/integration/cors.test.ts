import { describe, expect, it } from 'vitest';
import { CLIENT_PATHS, CORS_PREFLIGHT } from '#config/edge.ts';
import { ROUTE_PATHS, ROUTES } from '#config/routes.ts';
import { deviceId, useTestStack } from '#test/helpers/test-stack.ts';

const LISTED = 'https://app.example.com';
const UNLISTED = 'https://trial-farm.example.net';

/** Every path a browser could aim at: the routes and one that does not exist. */
const ALL_PATHS = [...ROUTE_PATHS, '/v1/unknown'];
/** The paths whose function URL answers preflights when CORS is on (not the webhook's). */
const BROWSER_PATHS = ALL_PATHS.filter((path) => ROUTES[path as keyof typeof ROUTES] !== 'webhook');

const preflight = (base: string, path: string, origin: string) =>
  fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });

const trialFrom = (base: string, origin: string) =>
  fetch(`${base}/v1/trial`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({
      instanceName: deviceId(),
      email: `cors-${deviceId().slice(0, 12)}@example.com`,
    }),
  });

/** The `access-control-*` headers of an answer. */
const corsHeadersOf = (response: Response) =>
  Object.fromEntries(
    [...response.headers.entries()].filter(([name]) => name.startsWith('access-control-')),
  );

describe('CORS off (the default: no corsOrigins / CORS_ORIGINS)', () => {
  const stack = useTestStack();

  it.each(ALL_PATHS)(
    'answers a preflight of %s with no success and no CORS header',
    async (path) => {
      // Act
      const response = await preflight(stack.url, path, LISTED);
      await response.arrayBuffer();

      // Assess
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(corsHeadersOf(response)).toEqual({});
    },
  );

  it.each(CLIENT_PATHS)('refuses a preflight of %s at the edge: 405 allow POST', async (path) => {
    // Act
    const response = await preflight(stack.url, path, LISTED);

    // Assess
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
    expect(((await response.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('starts a trial for a POST that carries an Origin, with no access-control-allow-origin', async () => {
    // Act
    const response = await trialFrom(stack.url, LISTED);

    // Assess: the desktop client's call works; a web page could not read the answer.
    expect(response.status).toBe(200);
    expect(((await response.json()) as { licenseKey: string }).licenseKey).toMatch(/^trial-/);
    expect(corsHeadersOf(response)).toEqual({});
  });
});

describe('CORS on (CORS_ORIGINS lists origins)', () => {
  const stack = useTestStack({ CORS_ORIGINS: `${LISTED}, https://ravn.example.com` });

  it.each(BROWSER_PATHS)(
    'answers a preflight of %s from a listed origin 204, granting that origin',
    async (path) => {
      // Act
      const response = await preflight(stack.url, path, LISTED);

      // Assess
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(corsHeadersOf(response)).toEqual({
        'access-control-allow-origin': LISTED,
        'access-control-allow-methods': CORS_PREFLIGHT.allowMethods.join(', '),
        'access-control-allow-headers': CORS_PREFLIGHT.allowHeaders.join(', '),
        'access-control-max-age': String(CORS_PREFLIGHT.maxAgeSeconds),
      });
    },
  );

  it.each(BROWSER_PATHS)(
    'grants nothing to a preflight of %s from an unlisted origin',
    async (path) => {
      // Act
      const response = await preflight(stack.url, path, UNLISTED);
      await response.arrayBuffer();

      // Assess
      expect(corsHeadersOf(response)).toEqual({});
    },
  );

  it('passes a preflight of the webhook (never CORS) to its function: 405 allow POST', async () => {
    // Act
    const response = await preflight(stack.url, '/v1/webhook', LISTED);

    // Assess
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
    expect(corsHeadersOf(response)).toEqual({});
  });

  it('lets a listed origin read a trial it started, and no other origin', async () => {
    // Act
    const listed = await trialFrom(stack.url, LISTED);
    const unlisted = await trialFrom(stack.url, UNLISTED);
    await Promise.all([listed.arrayBuffer(), unlisted.arrayBuffer()]);

    // Assess
    expect([listed.status, unlisted.status]).toEqual([200, 200]);
    expect(corsHeadersOf(listed)).toEqual({ 'access-control-allow-origin': LISTED });
    expect(corsHeadersOf(unlisted)).toEqual({});
  });
});

describe('CORS from any origin (CORS_ORIGINS=*, only when set)', () => {
  const stack = useTestStack({ CORS_ORIGINS: '*' });

  it('grants every origin, as `*`', async () => {
    // Act
    const answers = await Promise.all([
      preflight(stack.url, '/v1/trial', UNLISTED),
      trialFrom(stack.url, UNLISTED),
    ]);
    await Promise.all(answers.map((response) => response.arrayBuffer()));

    // Assess
    expect(answers.map((response) => response.headers.get('access-control-allow-origin'))).toEqual([
      '*',
      '*',
    ]);
  });
});

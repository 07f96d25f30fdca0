import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActivateHandler } from '#handlers/activate.ts';
import { createValidateHandler } from '#handlers/validate.ts';
import { createWebhookHandler } from '#handlers/webhook.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { apiEvent } from '#local/api-event.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { signWebhook } from '#local/webhook-sender.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';

/** Runs per endpoint; each run sends one generated request straight into the Lambda handler. */
const RUNS = 10_000;

const FIELD_NAMES = [
  'instanceName',
  'licenseKey',
  'email',
  'name',
  'instanceId',
  '__proto__',
  'constructor',
  'prototype',
  'meta',
  'data',
];

/** JSON-ish junk: wrong types, huge and unicode strings, nesting, prototype keys. */
const junkValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 50 }),
    fc.string({ minLength: 300, maxLength: 20_000 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string()), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** Well-typed bodies with odd values: these get past the schema into DynamoDB and the doubles. */
const plausible = fc
  .record({
    instanceName: fc.oneof(
      fc.string({ minLength: 1, maxLength: 300 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      // Device ids a trial accepts (64 hex, any case), so trials get past the id check too.
      fc.stringMatching(/^[0-9a-fA-F]{64}$/),
    ),
    licenseKey: fc.oneof(
      fc.string({ minLength: 1, maxLength: 300 }),
      fc.stringMatching(/^trial-[0-9a-f]{12}-[0-9a-f]{12}-[0-9a-z]{8}$/),
      fc.uuid().map((uuid) => uuid.toUpperCase()),
    ),
    email: fc.oneof(
      fc.emailAddress(),
      fc.string({ maxLength: 40 }),
      // What the shipped client's form accepts: Unicode, IDN, odd ASCII (issue 22's three first).
      fc.constantFrom('jörg@example.de', 'user@bücher.de', 'x&y@example.com'),
      fc.stringMatching(/^[^\s@]+@[^\s@]+\.[^\s@]+$/),
      fc
        .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.domain())
        .map(([local, domain]) => `${local}@${domain}`),
    ),
    name: fc.option(fc.string({ maxLength: 300 })),
    instanceId: fc.option(fc.uuid()),
  })
  .map((value) => JSON.stringify(value));

const body = fc.oneof(
  plausible,
  // Objects with the real field names holding junk.
  fc
    .dictionary(fc.constantFrom(...FIELD_NAMES), junkValue, { maxKeys: 6 })
    .map((value) => JSON.stringify(value)),
  // Any JSON at all.
  junkValue.map((value) => JSON.stringify(value) ?? 'null'),
  // Not JSON.
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', '{"licenseKey":', '\u0000', '{"__proto__":{"polluted":1}}', '[]'),
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

const request = fc.record({
  body,
  contentType,
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS'),
  base64: fc.boolean(),
  signature: fc.option(fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ maxLength: 80 }))),
  /** Webhook only: sign the junk with the real secret so it reaches the event parser. */
  signed: fc.boolean(),
  extraHeader: fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 100 })),
});

type GeneratedRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function toEvent(path: string, generated: GeneratedRequest): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {
    [generated.extraHeader[0].toLowerCase()]: generated.extraHeader[1],
  };
  if (generated.contentType) headers['content-type'] = generated.contentType;
  if (generated.signature !== null) headers['x-signature'] = generated.signature;
  if (generated.signed)
    headers['x-signature'] = signWebhook(generated.body, SANDBOX_SECRETS.WEBHOOK_SECRET);
  return apiEvent({
    path,
    method: generated.method,
    headers,
    body: generated.base64 ? Buffer.from(generated.body).toString('base64') : generated.body,
    isBase64Encoded: generated.base64,
  });
}

describe('bad input (property-based)', () => {
  const stack = useTestStack();
  let handlers: Record<string, ApiHandler>;
  const secrets: string[] = [...Object.values(SANDBOX_SECRETS)];

  beforeAll(async () => {
    handlers = {
      '/v1/trial': createActivateHandler(stack.deps),
      '/v1/activate': createActivateHandler(stack.deps),
      '/v1/validate': createValidateHandler(stack.deps),
      '/v1/deactivate': createActivateHandler(stack.deps),
      '/v1/devices': createValidateHandler(stack.deps),
      '/v1/webhook': createWebhookHandler(stack.deps),
    };
    // Records whose keys must never show up in an answer to someone else's junk.
    const license = seedLicense(stack, 'saas');
    const activation = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    const trial = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: 'victim@example.com',
    });
    secrets.push(
      license.key,
      activation.body.ai_details.token,
      trial.body.licenseKey,
      trial.body.ai_details.token,
    );
  });

  it.each([
    '/v1/trial',
    '/v1/activate',
    '/v1/validate',
    '/v1/deactivate',
    '/v1/devices',
    '/v1/webhook',
  ])(
    `answers ${RUNS} generated requests to %s with no 5xx, no stack trace and no secret`,
    async (path) => {
      // Prepare
      const handler = handlers[path] as ApiHandler;
      let count = 0;

      // Act + Assess
      await fc.assert(
        fc.asyncProperty(request, async (generated) => {
          count += 1;
          const result = (await handler(toEvent(path, generated), {
            awsRequestId: `fuzz-${count}`,
          })) as APIGatewayProxyStructuredResultV2;
          const status = result.statusCode ?? 0;
          const text = result.body ?? '';
          expect(status).toBeGreaterThanOrEqual(200);
          expect(status).toBeLessThan(500);
          expect(text).not.toMatch(/\n\s+at |Error:|\.ts:\d+/);
          for (const secret of secrets) expect(text).not.toContain(secret);
          const parsed = JSON.parse(text) as { code?: string; error?: string; message?: string };
          if (status >= 400) {
            expect(parsed).toEqual(errorBodyOf(parsed.code, expect.any(String), `fuzz-${count}`));
            expect(parsed.message).toBe(parsed.error);
          }
        }),
        { numRuns: RUNS, seed: 20261123 },
      );
      expect(count).toBe(RUNS);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    240_000,
  );
});

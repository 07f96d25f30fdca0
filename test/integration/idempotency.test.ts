import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createActivateHandler } from '#handlers/activate.ts';
import { apiEvent } from '#local/api-event.ts';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { postWithKey, trialBody } from '#test/helpers/idempotent-post.ts';
import { deviceId, seedLicense, useTestStack } from '#test/helpers/test-stack.ts';

const INVALID_KEY = "Header 'Idempotency-Key' must be 1 to 255 printable ASCII characters.";

describe('Idempotency-Key on POST /v1/trial and POST /v1/activate', () => {
  const stack = useTestStack();

  const send = (path: string, body: unknown, key?: string) => postWithKey(stack, path, body, key);

  it('replays a retried trial: same status, same body, and one OpenRouter key', async () => {
    // Prepare
    const key = randomUUID();
    const body = trialBody();
    const creates = stack.openRouter.callCount('create');
    const first = await send('/v1/trial', body, key);

    // Act
    const retried = await send('/v1/trial', body, key);

    // Assess
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(retried.status).toBe(200);
    expect(retried.replayed).toBe('true');
    expect(retried.text).toBe(first.text);
    expect(retried.body.licenseKey).toBe(first.body.licenseKey);
    expect(retried.body.instanceId).toBe(first.body.instanceId);
    expect(retried.body.ai_details.token).toBe(first.body.ai_details.token);
    expect(stack.openRouter.callCount('create')).toBe(creates + 1);
  });

  it('answers IDEMPOTENCY_KEY_REUSED (422) for the same key and caller with another body', async () => {
    // Prepare: the same device and mailbox, the address spelled otherwise (another body).
    const key = randomUUID();
    const body = trialBody();
    await send('/v1/trial', body, key);

    // Act
    const response = await send('/v1/trial', { ...body, email: body.email.toUpperCase() }, key);

    // Assess
    expect(response.status).toBe(422);
    expect(response.body).toEqual(
      errorBodyOf(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for a different request body.',
      ),
    );
  });

  it('creates exactly one trial for 10 parallel requests with one key and one body', async () => {
    // Prepare
    const key = randomUUID();
    const body = trialBody();
    const creates = stack.openRouter.callCount('create');

    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => send('/v1/trial', body, key)),
    );

    // Assess
    expect(stack.openRouter.callCount('create')).toBe(creates + 1);
    const served = responses.filter((response) => response.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(new Set(served.map((response) => response.text)).size).toBe(1);
    for (const response of responses.filter((candidate) => candidate.status !== 200)) {
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    }
  });

  it('replays a refusal: TRIAL_ALREADY_USED again, with the same body', async () => {
    // Prepare
    const email = `${randomUUID()}@example.com`;
    await send('/v1/trial', { instanceName: deviceId(), email });
    const key = randomUUID();
    const body = { instanceName: deviceId(), email };
    const refused = await send('/v1/trial', body, key);

    // Act
    const retried = await send('/v1/trial', body, key);

    // Assess
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('TRIAL_ALREADY_USED');
    expect(retried.status).toBe(403);
    expect(retried.replayed).toBe('true');
    expect(retried.text).toBe(refused.text);
  });

  it('does not keep a 503: the retry with the same key runs again and succeeds', async () => {
    // Prepare
    const key = randomUUID();
    const body = trialBody();
    stack.openRouter.faults.inject('create', { kind: 'status', status: 500 });
    const failed = await send('/v1/trial', body, key);

    // Act
    const retried = await send('/v1/trial', body, key);
    const again = await send('/v1/trial', body, key);

    // Assess
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(retried.status).toBe(200);
    expect(retried.replayed).toBeNull();
    expect(again.replayed).toBe('true');
    expect(again.text).toBe(retried.text);
  });

  it('replays an activation without asking LemonSqueezy again', async () => {
    // Prepare
    const license = seedLicense(stack, 'saas');
    const body = { instanceName: deviceId(), licenseKey: license.key };
    const key = randomUUID();
    const first = await send('/v1/activate', body, key);
    const activations = stack.lemonSqueezy.callCount('activate');
    const validations = stack.lemonSqueezy.callCount('validate');

    // Act
    const retried = await send('/v1/activate', body, key);

    // Assess
    expect(first.status).toBe(200);
    expect(retried.status).toBe(200);
    expect(retried.replayed).toBe('true');
    expect(retried.body.instanceId).toBe(first.body.instanceId);
    expect(retried.text).toBe(first.text);
    expect(stack.lemonSqueezy.callCount('activate')).toBe(activations);
    expect(stack.lemonSqueezy.callCount('validate')).toBe(validations);
  });

  it('scopes keys per route: the same key on another route is another key', async () => {
    // Prepare
    const key = randomUUID();
    const trial = await send('/v1/trial', trialBody(), key);

    // Act
    const activation = await send(
      '/v1/activate',
      { instanceName: deviceId(), licenseKey: seedLicense(stack, 'byok').key },
      key,
    );

    // Assess
    expect(trial.status).toBe(200);
    expect(activation.status).toBe(200);
    expect(activation.replayed).toBeNull();
  });

  it('leaves a request without the header as it was: nothing kept, nothing replayed', async () => {
    // Prepare
    const body = trialBody();
    const keyed = async () =>
      (await stack.items()).filter((item) => String(item.pk).startsWith('IDEMPOTENCY#')).length;
    const keptBefore = await keyed();
    const first = await send('/v1/trial', body);

    // Act
    const again = await send('/v1/trial', body);

    // Assess: the second ran again (no replay), and was answered the trial it recovered.
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.licenseKey).toBe(first.body.licenseKey);
    expect(again.replayed).toBeNull();
    expect(await keyed()).toBe(keptBefore);
  });

  it.each([
    ['empty', ''],
    ['300 characters', 'k'.repeat(300)],
    ['a tab (a control character)', 'key\twith-tab'],
    ['a non-ASCII character', 'clé'],
  ])('answers INVALID_REQUEST (400) for a key that is %s, naming the header', async (_, key) => {
    // Prepare
    const creates = stack.openRouter.callCount('create');

    // Act
    const response = await send('/v1/trial', trialBody(), key);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toEqual(errorBodyOf('INVALID_REQUEST', INVALID_KEY));
    expect(stack.openRouter.callCount('create')).toBe(creates);
  });

  it('answers INVALID_REQUEST (400) for a key with a control character', async () => {
    // Prepare
    // fetch refuses to send such a header, so the event goes straight to the handler.
    const handler = createActivateHandler(stack.deps);
    const event = apiEvent({
      path: '/v1/trial',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'key\u0001' },
      body: JSON.stringify(trialBody()),
    });

    // Act
    const response = (await handler(event, {
      awsRequestId: 'control-char',
    })) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '')).toEqual(
      errorBodyOf('INVALID_REQUEST', INVALID_KEY, 'control-char'),
    );
  });
});

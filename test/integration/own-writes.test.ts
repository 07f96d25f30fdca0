import { describe, expect, it } from 'vitest';
import { captureOutput } from '#test/helpers/captured-output.ts';
import type { FaultKind, NamedCall } from '#test/helpers/dynamodb-faults.ts';
import { postWithKey, trialBody } from '#test/helpers/idempotent-post.ts';
import {
  activatedLicense,
  deviceId,
  orphanKeys,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';
import { deliver, eventFor, keyOf, storedLicense } from '#test/helpers/webhook-events.ts';

/**
 * Issue 21: a write whose answer is lost after it committed is retried by the SDK, and the retry's
 * condition then fails on the write's own result. Each request here meets that on one named write
 * (the fault proxy in front of DynamoDB Local) and must recognise its own work: the same answer as
 * without the fault, nothing undone, no rival imagined.
 */
describe('writes that know their own work', () => {
  const stack = useTestStack({}, { faults: true });

  const loseAnswerOf = (pattern: string) =>
    stack.faults?.inject({ kind: 'lost', match: (call) => call.name.includes(pattern) });

  const healed = () => {
    const struck = [...(stack.faults?.struck ?? [])];
    stack.faults?.clear();
    return struck;
  };

  const saasLicense = () =>
    seedLicense(stack, 'saas', {
      subscription: {
        status: 'active',
        renewsAt: new Date(stack.clock.now().getTime() + 20 * 86_400_000).toISOString(),
      },
    });

  it('serves a live key when the answer of the first key install is lost', async () => {
    // Prepare
    const license = saasLicense();
    const before = stack.faults?.struck.length ?? 0;
    loseAnswerOf('SET ai = :next');

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });

    // Assess: the key served is the one stored, and it works at OpenRouter.
    expect(healed().slice(before)).toEqual([
      { kind: 'lost', name: expect.stringContaining('SET ai = :next') },
    ]);
    expect(response.status).toBe(200);
    const token = response.body.ai_details.token as string;
    const key = keyOf(stack, token);
    expect(key).toMatchObject({ disabled: false, deleted: false });
    expect((await storedLicense(stack, license))?.ai?.hash).toBe(key?.hash);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it('keeps the seat when the answer of the device write is lost', async () => {
    // Prepare
    const license = saasLicense();
    const instanceName = deviceId();
    loseAnswerOf('SET devices.<slot> = :slot');

    // Act
    const response = await stack.post('/v1/activate', { instanceName, licenseKey: license.key });
    healed();

    // Assess: recorded active here, and LemonSqueezy still holds its seat.
    expect(response.status).toBe(200);
    const instances = stack.lemonSqueezy.instances(license.key);
    expect(instances.map((instance) => instance.id)).toEqual([response.body.instanceId]);
    const stored = await storedLicense(stack, license);
    const slots = Object.values(stored?.devices ?? {});
    expect(slots).toEqual([expect.objectContaining({ state: 'active', instanceName })]);
  });

  it.each([
    ['the device claim', 'SET devices.<slot> = :pending'],
    ['the audit record', 'PutItem LICENSE/AUDIT'],
  ])('answers an activation at once when the answer of %s is lost', async (_name, pattern) => {
    // Prepare
    const license = saasLicense();
    loseAnswerOf(pattern);
    const output = captureOutput();

    // Act
    let response: Awaited<ReturnType<TestStack['post']>>;
    try {
      response = await stack.post('/v1/activate', {
        instanceName: deviceId(),
        licenseKey: license.key,
      });
    } finally {
      output.restore();
    }

    // Assess: 200 (not a 503 after waiting on its own claim), and no log of a record unwritten.
    expect(healed()).toContainEqual({ kind: 'lost', name: expect.stringContaining(pattern) });
    expect(response.status).toBe(200);
    expect(output.text()).not.toContain('audit record not written');
  });

  it('answers a request whose Idempotency-Key claim lost its answer, and replays it', async () => {
    // Prepare
    const body = trialBody();
    const key = `k-${deviceId()}`;
    loseAnswerOf('PutItem IDEMPOTENCY');

    // Act
    const first = await postWithKey(stack, '/v1/trial', body, key);
    healed();
    const again = await postWithKey(stack, '/v1/trial', body, key);

    // Assess: the first answer is the trial (not 409 IDEMPOTENCY_IN_PROGRESS), replayed after.
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, replayed: 'true' });
    expect(again.body.licenseKey).toBe(first.body.licenseKey);
  });

  it('frees a seat when the answer of the deactivation claim is lost', async () => {
    // Prepare
    const { license, activation } = await activatedLicense(stack);
    loseAnswerOf('.deactivation = :claim');

    // Act
    const response = await stack.post('/v1/deactivate', {
      licenseKey: license.key,
      instanceId: activation.instanceId,
    });
    healed();

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('deactivated');
    expect(stack.lemonSqueezy.instances(license.key)).toEqual([]);
  });

  it('applies a webhook whose event claim lost its answer', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    const event = eventFor(stack, 'license_key_updated', license);
    loseAnswerOf('PutItem EVENT');

    // Act
    const response = await deliver(stack, event);
    healed();

    // Assess: applied (the key is disabled), not a 503 after waiting on its own claim.
    expect(response.status).toBe(200);
    expect((await storedLicense(stack, license))?.status).toBe('disabled');
  });

  it('gives back an event claim that committed although every answer to it was lost', async () => {
    // Prepare: the claim commits, and so does each retry of it, but no answer comes back.
    const { license } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    const event = eventFor(stack, 'license_key_updated', license);
    stack.faults?.inject({
      kind: 'lost',
      times: 3,
      match: (call: NamedCall) => call.name.includes('PutItem EVENT'),
    });

    // Act
    const first = await deliver(stack, event);
    healed();
    const retry = await deliver(stack, event);

    // Assess: a 503, then LemonSqueezy's retry applies the event at once.
    expect(first.status).toBe(503);
    expect(retry.status).toBe(200);
    expect((await storedLicense(stack, license))?.status).toBe('disabled');
  });

  it("takes LemonSqueezy's retry at once when marking an applied event done failed", async () => {
    // Prepare: every attempt to mark the event done fails (the SDK's three).
    const { license } = await activatedLicense(stack);
    stack.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
    const event = eventFor(stack, 'license_key_updated', license);
    stack.faults?.inject({
      kind: 'server',
      times: 3,
      match: (call: NamedCall) => call.name.includes('EVENT/EVENT SET state = :done'),
    });

    // Act
    const first = await deliver(stack, event);
    healed();
    const retry = await deliver(stack, event);

    // Assess: the failure is a 503, and the retry is applied at once (not held for the lease).
    expect(first.status).toBe(503);
    expect(retry.status).toBe(200);
    expect(retry.body?.outcome).not.toBe('duplicate');
  });
});

/** Issue 21, finding 1: DynamoDB saying "busy" is a 503 with a code on every route. */
describe('DynamoDB throttling and conflicts', () => {
  const stack = useTestStack({}, { faults: true });

  type Send = () => Promise<{ status: number; body: unknown }>;
  /** Each route's request, prepared on an unfaulted stack; the fault strikes only its calls. */
  const routes: Array<[string, (stack: TestStack) => Promise<Send>]> = [
    ['trial', async (s) => () => s.post('/v1/trial', trialBody())],
    [
      'activate',
      async (s) => {
        const license = seedLicense(s, 'byok');
        return () => s.post('/v1/activate', { instanceName: deviceId(), licenseKey: license.key });
      },
    ],
    [
      'validate',
      async (s) => {
        const { license } = await activatedLicense(s, 'byok');
        return () => s.post('/v1/validate', { licenseKey: license.key });
      },
    ],
    [
      'deactivate',
      async (s) => {
        const { license, activation } = await activatedLicense(s, 'byok');
        const body = { licenseKey: license.key, instanceId: activation.instanceId };
        return () => s.post('/v1/deactivate', body);
      },
    ],
    [
      'webhook',
      async (s) => {
        const { license } = await activatedLicense(s, 'byok');
        s.lemonSqueezy.updateLicense(license.key, { status: 'disabled' });
        const event = eventFor(s, 'license_key_updated', license);
        return () => deliver(s, event);
      },
    ],
  ];

  /** Strikes every DynamoDB request of the route's request, past the SDK's attempts. */
  it.each(
    routes.flatMap(([route, prepare]) =>
      // ThrottlingException takes the same path as ProvisionedThroughputExceeded (and the SDK's
      // throttling backoff, seconds a cell): once is enough.
      (
        ['throttle', 'conflict', ...(route === 'validate' ? ['throttling'] : [])] as FaultKind[]
      ).map((kind) => [route, kind, prepare] as const),
    ),
  )('%s answers 503 UPSTREAM_UNAVAILABLE on %s', async (_route, kind, prepare) => {
    // Prepare
    const send = await prepare(stack);
    stack.faults?.inject({ kind, times: Number.POSITIVE_INFINITY, match: () => true });

    // Act
    const response = await send();
    stack.faults?.clear();

    // Assess
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('absorbs one conflict: the SDK retries it', async () => {
    // Prepare
    const license = seedLicense(stack, 'byok');
    const before = stack.faults?.struck.length ?? 0;
    stack.faults?.inject({ kind: 'conflict', match: (call) => call.name.includes(':pending') });

    // Act
    const response = await stack.post('/v1/activate', {
      instanceName: deviceId(),
      licenseKey: license.key,
    });
    const struck = stack.faults?.struck.slice(before);
    stack.faults?.clear();

    // Assess
    expect(struck).toEqual([{ kind: 'conflict', name: expect.stringContaining(':pending') }]);
    expect(response.status).toBe(200);
  });
});

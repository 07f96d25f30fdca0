import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { deviceClaimKey } from '#adapters/dynamodb/items.ts';
import { licenseHashOf } from '#domain/license.ts';
import { postWithKey } from '#test/helpers/idempotent-post.ts';
import { DAY, SECOND } from '#test/helpers/manual-clock.ts';
import { deviceId, orphanKeys, type TestStack, useTestStack } from '#test/helpers/test-stack.ts';

/** A trial request no earlier test used; `email` spelled as given. */
const trialOf = (email = `${randomUUID()}@example.com`) => ({ instanceName: deviceId(), email });

/** The faults of a stack started with `{ faults: true }`. */
function faultsOf(stack: TestStack) {
  if (!stack.faults) throw new Error('the stack runs without the fault proxy');
  return stack.faults;
}

const isTrialWrite = (call: { operation: string }) => call.operation === 'TransactWriteItems';

/**
 * A crash right after the trial's transaction committed, within one process: its answer is
 * lost, then every later DynamoDB request of the request fails (nothing after the commit is
 * done: no answer, no compensation, no idempotency record). `clear()` before the retry.
 */
function crashAfterTrialCommits(stack: TestStack): void {
  const faults = faultsOf(stack);
  faults.inject({
    kind: 'lost',
    match: isTrialWrite,
    afterCommit: () => faults.inject({ kind: 'server', match: () => true, times: Infinity }),
  });
}

/** The trial item the answer's key belongs to, as stored. */
async function storedTrial(stack: TestStack, licenseKey: string) {
  const hash = licenseHashOf(licenseKey);
  return (await stack.items()).find(
    (item) => item.pk === `LICENSE#${hash}` && item.sk === 'LICENSE',
  );
}

/** Asserts the answer is the stored trial with a live OpenRouter key, and no key was left over. */
async function expectWorkingTrial(
  stack: TestStack,
  body: { licenseKey: string; ai_details?: { token: string } },
) {
  const stored = await storedTrial(stack, body.licenseKey);
  expect(stored?.kind).toBe('trial');
  const token = (stored?.ai as { token?: string } | undefined)?.token;
  expect(body.ai_details?.token).toBe(token);
  const key = stack.openRouter.keys().find((issued) => issued.key === token);
  expect(key).toMatchObject({ disabled: false, deleted: false });
  expect(await orphanKeys(stack)).toEqual([]);
  const validated = await stack.post('/v1/validate', { licenseKey: body.licenseKey });
  expect([validated.status, validated.body.status]).toEqual([200, 'trial']);
}

describe('POST /v1/trial: a trial written but not delivered is answered again', () => {
  const stack = useTestStack({}, { faults: true });

  it.each([
    ['DynamoDB honours the retry token', false],
    ['DynamoDB no longer knows the retry token', true],
  ])(
    'answers 200 with the trial it wrote when the transaction answer is lost (%s)',
    async (_, forgetToken) => {
      // Prepare
      const request = trialOf();
      const from = faultsOf(stack).calls.length;
      faultsOf(stack).inject({ kind: 'lost', match: isTrialWrite, forgetToken });

      // Act
      const response = await stack.post('/v1/trial', request);

      // Assess
      faultsOf(stack).clear();
      expect(response.status, response.text).toBe(200);
      expect(faultsOf(stack).calls.slice(from).filter(isTrialWrite)).toHaveLength(2);
      await expectWorkingTrial(stack, response.body);
    },
  );

  it('answers 200 when the write committed but every retry of it failed (found by a read)', async () => {
    // Prepare
    const request = trialOf();
    const faults = faultsOf(stack);
    faults.inject({
      kind: 'lost',
      match: isTrialWrite,
      afterCommit: () => faults.inject({ kind: 'server', match: isTrialWrite, times: Infinity }),
    });

    // Act
    const response = await stack.post('/v1/trial', request);

    // Assess
    faults.clear();
    expect(response.status, response.text).toBe(200);
    await expectWorkingTrial(stack, response.body);
  });

  it('deletes the key of a write that failed and was not written, and a retry starts the trial', async () => {
    // Prepare
    const request = trialOf();
    faultsOf(stack).inject({ kind: 'server', match: isTrialWrite, times: Infinity });
    const failed = await stack.post('/v1/trial', request);
    faultsOf(stack).clear();

    // Act
    const retried = await stack.post('/v1/trial', request);

    // Assess
    expect(failed.status).toBe(503);
    expect(retried.status, retried.text).toBe(200);
    await expectWorkingTrial(stack, retried.body);
  });

  it('answers a delivered trial again, the same body, to the same device and email', async () => {
    // Prepare
    const request = trialOf();
    const first = await stack.post('/v1/trial', request);

    // Act
    const again = await stack.post('/v1/trial', request);

    // Assess
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
  });

  it('answers a retry after a crash the trial that was written, with the same key and token', async () => {
    // Prepare
    const request = trialOf();
    crashAfterTrialCommits(stack);
    const crashed = await stack.post('/v1/trial', request);
    faultsOf(stack).clear();

    // Act
    const retried = await stack.post('/v1/trial', request);
    const again = await stack.post('/v1/trial', request);

    // Assess
    expect(crashed.status).toBe(503);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.instanceName).toBe(request.instanceName);
    expect(again.text).toBe(retried.text);
    await expectWorkingTrial(stack, retried.body);
  });

  it('answers a retry after a crash with the same Idempotency-Key once the crashed claim lapsed', async () => {
    // Prepare
    const request = trialOf();
    const key = randomUUID();
    crashAfterTrialCommits(stack);
    const crashed = await postWithKey(stack, '/v1/trial', request, key);
    faultsOf(stack).clear();
    const whileHeld = await postWithKey(stack, '/v1/trial', request, key);
    stack.clock.advance(stack.deps.policy.activationLeaseMs + SECOND);

    // Act
    const retried = await postWithKey(stack, '/v1/trial', request, key);
    const withNewKey = await postWithKey(stack, '/v1/trial', request, randomUUID());

    // Assess
    expect(crashed.status).toBe(503);
    expect(whileHeld.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(retried.status, retried.text).toBe(200);
    expect(withNewKey.body.licenseKey).toBe(retried.body.licenseKey);
    expect(withNewKey.body.ai_details.token).toBe(retried.body.ai_details.token);
    await expectWorkingTrial(stack, retried.body);
  });

  it('answers other spellings of the same canonical device and email', async () => {
    // Prepare
    const name = `t${randomUUID().slice(0, 8)}`;
    const request = trialOf(`${name}@example.com`);
    crashAfterTrialCommits(stack);
    await stack.post('/v1/trial', request);
    faultsOf(stack).clear();

    // Act
    const retried = await stack.post('/v1/trial', {
      instanceName: request.instanceName.toUpperCase(),
      email: ` ${name.toUpperCase()}+retry@Example.com`,
    });

    // Assess: the trial as started, on its device as sent then.
    expect(retried.status, retried.text).toBe(200);
    expect(retried.body.instanceName).toBe(request.instanceName);
    expect(retried.body.user_email).toBe(request.email);
  });

  it('refuses another email on the device, and the email on another device, but not the owner', async () => {
    // Prepare
    const request = trialOf();
    crashAfterTrialCommits(stack);
    await stack.post('/v1/trial', request);
    faultsOf(stack).clear();

    // Act
    const otherEmail = await stack.post('/v1/trial', {
      ...request,
      email: `${randomUUID()}@example.com`,
    });
    const otherDevice = await stack.post('/v1/trial', { ...request, instanceName: deviceId() });
    const owner = await stack.post('/v1/trial', request);

    // Assess
    expect([otherEmail.status, otherEmail.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
    expect([otherDevice.status, otherDevice.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
    expect(otherEmail.body.licenseKey).toBeUndefined();
    expect(owner.status, owner.text).toBe(200);
  });

  it('answers the trial again for a day, then refuses', async () => {
    // Prepare
    const request = trialOf();
    crashAfterTrialCommits(stack);
    await stack.post('/v1/trial', request);
    faultsOf(stack).clear();

    // Act
    stack.clock.advance(DAY - SECOND);
    const withinTheDay = await stack.post('/v1/trial', request);
    stack.clock.advance(SECOND);
    const afterTheDay = await stack.post('/v1/trial', request);

    // Assess
    expect(withinTheDay.status, withinTheDay.text).toBe(200);
    expect([afterTheDay.status, afterTheDay.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
  });

  it('keeps refusing a trial whose device claim holds no key (claimed before recovery)', async () => {
    // Prepare
    const request = trialOf();
    const first = await stack.post('/v1/trial', request);
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        endpoint: stack.meter?.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    await documents.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: deviceClaimKey(request.instanceName),
        UpdateExpression: 'REMOVE trialKey, recoverableUntil',
      }),
    );

    // Act
    const again = await stack.post('/v1/trial', request);

    // Assess
    expect(first.status).toBe(200);
    expect([again.status, again.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
  });

  it('gives 10 parallel requests of one device and email one trial, leaving no orphan key', async () => {
    // Prepare
    const request = trialOf();

    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => stack.post('/v1/trial', request)),
    );
    const retried = await stack.post('/v1/trial', request);

    // Assess: a twin that read the claims while the winner's transaction was half applied
    // (a batch read is not isolated from it) is refused; any other gets the winner's trial.
    const served = responses.filter((response) => response.status === 200);
    const keys = new Set([...served, retried].map((response) => response.body.licenseKey));
    expect(keys.size).toBe(1);
    for (const response of responses.filter((candidate) => candidate.status !== 200)) {
      expect([response.status, response.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
    }
    expect(retried.status, retried.text).toBe(200);
    await expectWorkingTrial(stack, retried.body);
  });
});

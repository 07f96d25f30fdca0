import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '#http/messages.ts';
import { postWithKey, trialBody } from '#test/helpers/idempotent-post.ts';
import {
  activatedLicense,
  deviceId,
  seedLicense,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

/** The table's `Idempotency-Key` items, by their partition key. */
async function keyItems(stack: TestStack): Promise<string[]> {
  return (await stack.items())
    .map((item) => String(item.pk))
    .filter((pk) => pk.startsWith('IDEMPOTENCY#'));
}

/** The DynamoDB writes the service sent (refused ones included) since the stack started. */
function writesSoFar(stack: TestStack): number {
  const counts = stack.meter?.counts();
  if (!counts) throw new Error('this stack is not metered');
  return counts.writes;
}

/** Twenty requests refused for their input: each must claim nothing and write nothing. */
const MALFORMED: ReadonlyArray<[path: string, body: unknown, contentType?: string]> = [
  ['/v1/trial', 'not json'],
  ['/v1/trial', '{"instanceName":'],
  ['/v1/trial', ''],
  ['/v1/trial', []],
  ['/v1/trial', null],
  ['/v1/trial', {}],
  ['/v1/trial', { instanceName: deviceId() }],
  ['/v1/trial', { email: 'someone@example.com' }],
  ['/v1/trial', { instanceName: deviceId(), email: 'no-at-sign' }],
  ['/v1/trial', { instanceName: 42, email: 'someone@example.com' }],
  // Well-formed JSON, but a device id the service refuses (INVALID_DEVICE_ID).
  ['/v1/trial', { instanceName: 'not-a-device-id', email: 'someone@example.com' }],
  ['/v1/trial', { ...trialBody(), nonce: 'é' }],
  ['/v1/trial', trialBody(), 'text/plain'],
  ['/v1/activate', { instanceName: deviceId() }],
  ['/v1/activate', { licenseKey: '   ', instanceName: deviceId() }],
  ['/v1/activate', { licenseKey: 'k'.repeat(300), instanceName: deviceId() }],
  [
    '/v1/activate',
    { licenseKey: randomUUID(), instanceName: deviceId(), x: 'y'.repeat(MAX_BODY_BYTES) },
  ],
  ['/v1/deactivate', { licenseKey: randomUUID() }],
  ['/v1/deactivate', { instanceId: randomUUID() }],
  ['/v1/deactivate', 'licenseKey=abc', 'application/x-www-form-urlencoded'],
];

describe('Idempotency-Key scoped to the caller and the request', () => {
  const stack = useTestStack({}, { meter: true });

  const send = (path: string, body: unknown, key?: string, contentType?: string) =>
    postWithKey(stack, path, body, key, contentType);

  it('serves another caller its trial with a key a malformed body was sent with', async () => {
    // Prepare
    const key = randomUUID();
    const malformed = await send('/v1/trial', { instanceName: deviceId() }, key);

    // Act
    const response = await send('/v1/trial', trialBody(), key);

    // Assess
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('INVALID_REQUEST');
    expect(response.status).toBe(200);
    expect(response.replayed).toBeNull();
    expect(response.body.status).toBe('trial');
  });

  it('serves the corrected body with the key the malformed one was sent with', async () => {
    // Prepare
    const key = randomUUID();
    const body = trialBody();
    await send('/v1/trial', { ...body, email: 'not-an-address' }, key);

    // Act
    const response = await send('/v1/trial', body, key);

    // Assess
    expect(response.status).toBe(200);
    expect(response.replayed).toBeNull();
  });

  it('serves another caller its trial with a key a trial was already started with', async () => {
    // Prepare
    const key = randomUUID();
    const first = await send('/v1/trial', trialBody(), key);

    // Act
    const other = await send('/v1/trial', trialBody(), key);

    // Assess
    expect(first.status).toBe(200);
    expect(other.status).toBe(200);
    expect(other.replayed).toBeNull();
    expect(other.body.licenseKey).not.toBe(first.body.licenseKey);
  });

  it('keeps two licenses apart that activate with the same key', async () => {
    // Prepare
    const key = randomUUID();
    const one = seedLicense(stack, 'byok');
    const two = seedLicense(stack, 'byok');
    const activations = stack.lemonSqueezy.callCount('activate');

    // Act
    const first = await send(
      '/v1/activate',
      { instanceName: deviceId(), licenseKey: one.key },
      key,
    );
    const second = await send(
      '/v1/activate',
      { instanceName: deviceId(), licenseKey: two.key },
      key,
    );

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.replayed).toBeNull();
    expect(second.body.licenseKey).toBe(two.key);
    expect(stack.lemonSqueezy.callCount('activate')).toBe(activations + 2);
  });

  it('keeps two licenses apart that deactivate with the same key', async () => {
    // Prepare
    const key = randomUUID();
    const one = await activatedLicense(stack, 'byok');
    const two = await activatedLicense(stack, 'byok');

    // Act
    const first = await send(
      '/v1/deactivate',
      { licenseKey: one.license.key, instanceId: one.activation.instanceId },
      key,
    );
    const second = await send(
      '/v1/deactivate',
      { licenseKey: two.license.key, instanceId: two.activation.instanceId },
      key,
    );

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.replayed).toBeNull();
    expect(second.body.instanceId).toBe(two.activation.instanceId);
    expect(stack.lemonSqueezy.instances(two.license.key)).toEqual([]);
  });

  it('replays a license whatever its spelling, and refuses another body with the key (422)', async () => {
    // Prepare
    const key = randomUUID();
    const license = seedLicense(stack, 'byok');
    const body = { instanceName: deviceId(), licenseKey: license.key };
    const first = await send('/v1/activate', body, key);

    // Act
    const retried = await send('/v1/activate', body, key);
    // Another spelling of the same key (LemonSqueezy's keys are upper case): the same license.
    const respelled = await send(
      '/v1/activate',
      { ...body, licenseKey: ` ${license.key.toLowerCase()} ` },
      key,
    );
    const otherDevice = await send('/v1/activate', { ...body, instanceName: deviceId() }, key);

    // Assess
    expect(first.status).toBe(200);
    expect(retried).toMatchObject({ status: 200, replayed: 'true', text: first.text });
    expect([respelled.status, respelled.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect([otherDevice.status, otherDevice.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('writes nothing for 20 bodies refused as malformed, each with a fresh key', async () => {
    // Prepare
    const itemsBefore = await keyItems(stack);
    const writesBefore = writesSoFar(stack);

    // Act
    const answers = [];
    for (const [path, body, contentType] of MALFORMED) {
      answers.push(await send(path, body, randomUUID(), contentType));
    }

    // Assess
    expect(answers).toHaveLength(20);
    for (const answer of answers) expect([400, 413, 415]).toContain(answer.status);
    expect(writesSoFar(stack) - writesBefore).toBe(0);
    expect(await keyItems(stack)).toEqual(itemsBefore);
  });
});

import { describe, expect, it } from 'vitest';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { captureOutput } from '#test/helpers/captured-output.ts';
import { getKeys, leaseVerifies, verifyLease } from '#test/helpers/lease.ts';
import { DAY, HOUR } from '#test/helpers/manual-clock.ts';
import {
  activatedLicense,
  deviceId,
  START,
  startTestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

describe('signing key rotation', () => {
  // The old key, made a month ago; the new one added now, published two hours before it signs.
  const oldSet = rotateKeySet(undefined, new Date(new Date(START).getTime() - 30 * DAY));
  const rotated = rotateKeySet(oldSet, new Date(START));
  const [newKid, oldKid] = rotated.keys.map((key) => key.kid);
  const stack = useTestStack({ SIGNING_KEY: serializeKeySet(rotated) });

  it('publishes both keys, keeps signing with the old one until the new one starts, then the new', async () => {
    // Prepare
    const { license } = await activatedLicense(stack);

    // Act
    const keys = await getKeys(stack);
    const before = await stack.post('/v1/validate', { licenseKey: license.key });
    stack.clock.advance(2 * HOUR);
    const after = await stack.post('/v1/validate', { licenseKey: license.key });
    const keysAfter = await getKeys(stack);

    // Assess
    expect(keys.body.keys.map((key: { kid: string }) => key.kid)).toEqual([newKid, oldKid]);
    expect(keysAfter.body).toEqual(keys.body);
    expect(verifyLease(before.body.lease, keys.body).header.kid).toBe(oldKid);
    expect(verifyLease(after.body.lease, keys.body).header.kid).toBe(newKid);
    // A lease the old key signed still verifies against the published set.
    expect(leaseVerifies(before.body.lease, keysAfter.body)).toBe(true);
  });

  it('signs with the newest key of a set whose keys have all started', async () => {
    // Prepare
    const both = rotateKeySet(oldSet, new Date(new Date(START).getTime() - DAY));
    const other = await startTestStack({ SIGNING_KEY: serializeKeySet(both) });
    try {
      const { license } = await activatedLicense(other);

      // Act
      const response = await other.post('/v1/validate', { licenseKey: license.key });
      const keys = await getKeys(other);

      // Assess
      expect(keys.body.keys).toHaveLength(2);
      expect(verifyLease(response.body.lease, keys.body).header.kid).toBe(both.keys[0]?.kid);
      const old = { keys: keys.body.keys.filter((key: { kid: string }) => key.kid === oldKid) };
      expect(leaseVerifies(response.body.lease, old)).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe('an unusable signing key set', () => {
  it.each([
    ['not JSON', 'not json'],
    ['without keys', '{"keys":[]}'],
    [
      'with a key that is not Ed25519 PEM',
      '{"keys":[{"kid":"k1","createdAt":"2026-01-01T00:00:00.000Z","privateKey":"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"}]}',
    ],
  ])(
    '(%s) answers 503 before anything is written, and says nothing of the set',
    async (_label, value) => {
      // Prepare
      const stack = await startTestStack({ SIGNING_KEY: value });
      const output = captureOutput();
      try {
        // Act
        const trial = await stack.post('/v1/trial', {
          instanceName: deviceId(),
          email: 'unsigned@example.com',
        });
        const keys = await getKeys(stack);
        const logs = output.text();
        output.restore();

        // Assess
        expect([trial.status, trial.body.code]).toEqual([503, 'UPSTREAM_ERROR']);
        expect([keys.status, keys.body.code]).toEqual([503, 'UPSTREAM_ERROR']);
        expect(trial.text).not.toMatch(/PRIVATE|keys|AAAA|json/i);
        // The trial was not spent: nothing stored, no OpenRouter key made.
        expect(await stack.items()).toEqual([]);
        expect(stack.openRouter.keys()).toEqual([]);
        // The operator learns what is wrong, once per value, and nothing of the value itself.
        expect(logs.match(/signing key set unusable/g)).toHaveLength(1);
        expect(logs).not.toContain(value);
      } finally {
        output.restore();
        await stack.close();
      }
    },
  );
});

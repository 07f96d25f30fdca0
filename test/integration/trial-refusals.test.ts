import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorBodyOf } from '#test/helpers/error-body.ts';
import { knownSecrets } from '#test/helpers/secret-registry.ts';
import { deviceId, freshEmail, freshName, useTestStack } from '#test/helpers/test-stack.ts';

const SEED = 20261124;
const INVALID_DEVICE = "Field 'instanceName' is not a device id this service accepts.";

describe('POST /v1/trial: device ids the pattern does not accept', () => {
  const stack = useTestStack();

  /** Ids no spelling makes 64 hex: other lengths, other letters, labels, invisibles alone. */
  const invalidDeviceId = fc.oneof(
    fc.stringMatching(/^[0-9a-fA-F]{1,63}$/),
    fc.stringMatching(/^[0-9a-fA-F]{65,120}$/),
    fc
      .tuple(fc.stringMatching(/^[0-9a-f]{63}$/), fc.constantFrom('g', 'Z', '-', '_', 'é', '.'))
      .chain(([hex, other]) =>
        fc.nat({ max: 63 }).map((at) => hex.slice(0, at) + other + hex.slice(at)),
      ),
    fc.constantFrom('device-1', '__proto__', 'constructor', '\u200b', '\u200b\ufeff\u00ad'),
    fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((text) => /[^0-9a-fA-F]/.test(text) && text.trim() !== ''),
  );

  it('answers 400 INVALID_DEVICE_ID with the one error body, naming no secret, before writing anything', async () => {
    // Prepare
    const itemsBefore = (await stack.items()).length;
    const keysBefore = stack.openRouter.keys().length;

    await fc.assert(
      fc.asyncProperty(invalidDeviceId, async (instanceName) => {
        // Act
        const email = freshEmail();
        const response = await stack.post('/v1/trial', { instanceName, email });

        // Assess
        expect(response.status, JSON.stringify(instanceName)).toBe(400);
        expect(response.body).toEqual(errorBodyOf('INVALID_DEVICE_ID', INVALID_DEVICE));
        expect(response.text).not.toContain(email);
        if (instanceName.length >= 8) expect(response.text).not.toContain(instanceName);
        for (const secret of knownSecrets()) expect(response.text).not.toContain(secret);
      }),
      { numRuns: 150, seed: SEED },
    );

    // Assess
    expect((await stack.items()).length).toBe(itemsBefore);
    expect(stack.openRouter.keys()).toHaveLength(keysBefore);
  });

  it('checks the body first: a body without email is still INVALID_REQUEST', async () => {
    // Act
    const response = await stack.post('/v1/trial', { instanceName: 'device-1' });

    // Assess
    expect([response.status, response.body.code]).toEqual([400, 'INVALID_REQUEST']);
  });
});

describe('POST /v1/trial: disposable email domains', () => {
  const stack = useTestStack();

  it.each([
    'someone@mailinator.com',
    'someone@x.mailinator.com',
    'Someone+1@Deep.Sub.MAILINATOR.com',
    // Full-width letters: the domain's ASCII form is what the list is searched for.
    'someone@\uff4d\uff41\uff49\uff4c\uff49\uff4e\uff41\uff54\uff4f\uff52.com',
  ])(
    'refuses %s with 400 DISPOSABLE_EMAIL (a sentence the client shows), leaving the device free for a trial',
    async (email) => {
      // Prepare
      const device = deviceId();
      const keysBefore = stack.openRouter.keys().length;

      // Act
      const refused = await stack.post('/v1/trial', { instanceName: device, email });
      const elsewhere = await stack.post('/v1/trial', {
        instanceName: device,
        email: freshEmail(),
      });

      // Assess
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(
        errorBodyOf('DISPOSABLE_EMAIL', 'Trials are not available for disposable email addresses.'),
      );
      expect(stack.openRouter.keys()).toHaveLength(keysBefore + 1);
      expect(elsewhere.status, elsewhere.text).toBe(200);
    },
  );

  it('allows a domain that only ends like a listed one', async () => {
    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: `${freshName()}@xmailinator.com`,
    });

    // Assess
    expect(response.status, response.text).toBe(200);
  });

  describe('with BLOCK_DISPOSABLE_EMAILS=off', () => {
    const open = useTestStack({ BLOCK_DISPOSABLE_EMAILS: 'off' });

    it('starts a trial for a disposable address', async () => {
      // Act
      const response = await open.post('/v1/trial', {
        instanceName: deviceId(),
        email: 'someone@mailinator.com',
      });

      // Assess
      expect(response.status, response.text).toBe(200);
      expect(response.body.status).toBe('trial');
    });
  });
});

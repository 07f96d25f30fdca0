import { beforeEach, describe, expect, it } from 'vitest';
import type { KeyMatching } from '#local/sandbox/lemonsqueezy-store.ts';
import { DAY } from '#test/helpers/manual-clock.ts';
import {
  deviceId,
  seedLicense,
  startTestStack,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';
import { deliver, eventFor } from '#test/helpers/webhook-events.ts';

/**
 * One license, one spelling (docs/design.md, "License key spelling"). The double seeds keys as
 * upper-case UUIDs; whether LemonSqueezy matches keys exactly or loosely is undocumented, so each
 * case runs against both.
 */

/** The stored records of LemonSqueezy license `licenseId` (the table's license items). */
async function recordsOf(stack: TestStack, licenseId: number) {
  return (await stack.items()).filter(
    (item) =>
      item.kind === 'lemonsqueezy' &&
      (item.provider as { licenseId?: number } | undefined)?.licenseId === licenseId,
  );
}

/** The key as someone might paste it: padded, with a zero-width space and a BOM in it. */
const pasted = (key: string) => ` ${key.slice(0, 8)}\u200b${key.slice(8)}\ufeff `;

describe.each(['exact', 'loose'] as const)(
  'license key spelling, LemonSqueezy matching %s',
  (matching: KeyMatching) => {
    const stack = useTestStack();
    beforeEach(() => stack.lemonSqueezy.setKeyMatching(matching));

    it('activates a pasted key (spaces, U+200B, U+FEFF) as the license LemonSqueezy spells, answering its spelling', async () => {
      // Prepare
      const license = seedLicense(stack, 'saas');

      // Act
      const response = await stack.post('/v1/activate', {
        instanceName: deviceId(),
        licenseKey: pasted(license.key),
      });

      // Assess
      expect(response.status, response.text).toBe(200);
      expect(response.body.licenseKey).toBe(license.key);
      expect(await recordsOf(stack, license.id)).toHaveLength(1);
    });

    it('keeps a license to one record and one AI key whatever spelling activates, validates or a webhook names it', async () => {
      // Prepare
      const license = seedLicense(stack, 'saas', { activationLimit: 10 });
      const lower = license.key.toLowerCase();
      const keysBefore = stack.openRouter.keys().length;

      // Act
      const spellings = [license.key, pasted(license.key), lower, pasted(lower)];
      const answers = [];
      for (const licenseKey of spellings) {
        answers.push(await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey }));
      }
      const validated = await stack.post('/v1/validate', { licenseKey: lower });
      const event = await deliver(
        stack,
        eventFor(stack, 'license_key_updated', license, {
          'data.attributes.status': 'active',
          'data.attributes.disabled': 0,
        }),
      );

      // Assess
      const statuses = answers.map((answer) => answer.status);
      // A case LemonSqueezy does not match is not this key there: not found, and nothing else.
      expect(statuses).toEqual(matching === 'exact' ? [200, 200, 404, 404] : [200, 200, 200, 200]);
      const tokens = new Set(answers.flatMap((answer) => answer.body.ai_details?.token ?? []));
      expect(tokens.size).toBe(1);
      expect(stack.openRouter.keys()).toHaveLength(keysBefore + 1);
      expect([validated.status, validated.body.status]).toEqual([200, 'active']);
      expect(validated.body.licenseKey).toBe(license.key);
      expect(event.status).toBe(200);
      expect(await recordsOf(stack, license.id)).toHaveLength(1);
    });

    it('never lets a spelling LemonSqueezy refuses disable the license, at activation or at a refresh', async () => {
      // Prepare
      const license = seedLicense(stack, 'byok');
      const wrong = license.key.toLowerCase();
      const first = await stack.post('/v1/activate', {
        instanceName: deviceId(),
        licenseKey: license.key,
      });

      // Act: a new device with the other case, then a validate in it once the status is stale.
      const other = await stack.post('/v1/activate', {
        instanceName: deviceId(),
        licenseKey: wrong,
      });
      stack.clock.advance(2 * DAY);
      const refreshed = await stack.post('/v1/validate', { licenseKey: wrong });
      const right = await stack.post('/v1/validate', { licenseKey: license.key });

      // Assess
      expect(first.status, first.text).toBe(200);
      if (matching === 'exact') {
        expect([other.status, other.body.code]).toEqual([404, 'LICENSE_NOT_FOUND']);
      } else {
        expect(other.status, other.text).toBe(200);
      }
      expect([refreshed.status, refreshed.body.status]).toEqual([200, 'active']);
      expect([right.status, right.body.status]).toEqual([200, 'active']);
      expect(stack.lemonSqueezy.snapshot(license.key).status).toBe('active');
      expect(await recordsOf(stack, license.id)).toHaveLength(1);
    });
  },
);

describe('license key spelling: one rate-limit bucket per license', () => {
  it.each(['exact', 'loose'] as const)(
    'counts every spelling against one activate limit (matching %s)',
    async (matching) => {
      // Prepare
      const stack = await startTestStack({ RATE_LIMIT_ACTIVATE: '3/1h' });
      stack.lemonSqueezy.setKeyMatching(matching);
      const license = seedLicense(stack, 'byok', { activationLimit: 10 });
      const spellings = [
        license.key,
        pasted(license.key),
        ` ${license.key}\u200b`,
        pasted(license.key),
      ];

      try {
        // Act
        const statuses = [];
        for (const licenseKey of spellings) {
          const answer = await stack.post('/v1/activate', { instanceName: deviceId(), licenseKey });
          statuses.push(answer.status);
        }

        // Assess
        expect(statuses).toEqual([200, 200, 200, 429]);
      } finally {
        await stack.close();
      }
    },
  );
});

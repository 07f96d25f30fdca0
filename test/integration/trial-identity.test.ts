import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceClaimKey, emailClaimKey } from '#adapters/dynamodb/items.ts';
import { localDocumentClient } from '#test/helpers/local-documents.ts';
import {
  deviceId,
  freshEmail,
  freshName,
  orphanKeys,
  type TestStack,
  useTestStack,
} from '#test/helpers/test-stack.ts';

const SEED = 20261124;
/** Zero-width space, byte-order mark, soft hyphen: format characters (Cf) nobody sees. */
const INVISIBLE = ['\u200b', '\ufeff', '\u00ad'] as const;

/** One spelling of a 64-hex id: per character upper case or full width, invisibles put in. */
const deviceSpelling = fc.record({
  upper: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
  fullWidth: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
  inserts: fc.array(fc.tuple(fc.nat({ max: 64 }), fc.constantFrom(...INVISIBLE)), {
    maxLength: 6,
  }),
});
type DeviceSpelling = typeof deviceSpelling extends fc.Arbitrary<infer T> ? T : never;

function spellDevice(id: string, spelling: DeviceSpelling): string {
  let spelled = [...id]
    .map((character, index) => {
      const cased = spelling.upper[index] ? character.toUpperCase() : character;
      // Full-width forms (U+FF10…, U+FF21…, U+FF41…) sit 0xFEE0 above ASCII; NFKC folds them back.
      const code = cased.codePointAt(0) as number;
      return spelling.fullWidth[index] ? String.fromCodePoint(code + 0xfee0) : cased;
    })
    .join('');
  for (const [at, invisible] of spelling.inserts) {
    spelled = spelled.slice(0, at) + invisible + spelled.slice(at);
  }
  return spelled;
}

/** One spelling of an address: case, a `+tag`, padding, and for Gmail dots and googlemail.com. */
const emailSpelling = fc.record({
  upper: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  tag: fc.option(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { nil: undefined }),
  dots: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 4 }),
  googlemail: fc.boolean(),
  pad: fc.boolean(),
});
type EmailSpelling = typeof emailSpelling extends fc.Arbitrary<infer T> ? T : never;

function spellEmail(name: string, gmail: boolean, spelling: EmailSpelling): string {
  let local = name;
  if (gmail) {
    // From the right, so each position still names a gap of the name: never two dots in a row.
    for (const at of [...spelling.dots].sort((a, b) => b - a)) {
      local = `${local.slice(0, at)}.${local.slice(at)}`;
    }
  }
  if (spelling.tag !== undefined) local += `+${spelling.tag}`;
  const host = gmail ? (spelling.googlemail ? 'googlemail.com' : 'gmail.com') : 'example.com';
  const cased = [...`${local}@${host}`]
    .map((character, index) => (spelling.upper[index] ? character.toUpperCase() : character))
    .join('');
  return spelling.pad ? `  ${cased} ` : cased;
}

/** A trial claim as the service wrote it before canonical forms (a claim item, nothing else). */
async function writeOldClaim(stack: TestStack, key: { pk: string; sk: string }): Promise<void> {
  const documents = localDocumentClient();
  const claim = { licenseHash: 'f'.repeat(64), createdAt: '2026-01-01T00:00:00.000Z' };
  await documents.send(new PutCommand({ TableName: stack.tableName, Item: { ...key, ...claim } }));
}

describe('POST /v1/trial: one trial per device and per mailbox, however spelled', () => {
  const stack = useTestStack();

  it('refuses a second trial for any other spelling of a device id (case, invisible characters, full width)', async () => {
    await fc.assert(
      fc.asyncProperty(deviceSpelling, deviceSpelling, async (firstSpelling, secondSpelling) => {
        // Prepare
        const id = deviceId();
        const first = spellDevice(id, firstSpelling);
        const second = spellDevice(id, secondSpelling);

        // Act
        const started = await stack.post('/v1/trial', { instanceName: first, email: freshEmail() });
        const again = await stack.post('/v1/trial', { instanceName: second, email: freshEmail() });

        // Assess
        expect(started.status, started.text).toBe(200);
        expect(started.body.instanceName).toBe(first);
        expect([again.status, again.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
      }),
      { numRuns: 25, seed: SEED },
    );
  });

  it('refuses a second trial for any other spelling of an address (case, +tag, Gmail dots, googlemail.com)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        emailSpelling,
        emailSpelling,
        async (gmail, firstSpelling, secondSpelling) => {
          // Prepare
          const name = freshName();
          const first = spellEmail(name, gmail, firstSpelling);
          const second = spellEmail(name, gmail, secondSpelling);

          // Act
          const started = await stack.post('/v1/trial', { instanceName: deviceId(), email: first });
          const again = await stack.post('/v1/trial', { instanceName: deviceId(), email: second });

          // Assess: the address is kept as given; only the claim is canonical.
          expect(started.status, started.text).toBe(200);
          expect(started.body.user_email).toBe(first.trim());
          expect([again.status, again.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
        },
      ),
      { numRuns: 25, seed: SEED },
    );
  });

  it('gives exactly one trial to 10 parallel requests spelling one address ten ways', async () => {
    // Prepare
    const name = freshName();
    const spellings = fc.sample(emailSpelling, { numRuns: 10, seed: SEED });

    // Act
    const responses = await Promise.all(
      spellings.map((spelling) =>
        stack.post('/v1/trial', {
          instanceName: deviceId(),
          email: spellEmail(name, true, spelling),
        }),
      ),
    );

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 403)).toHaveLength(9);
    expect(await orphanKeys(stack)).toEqual([]);
  });

  it.each([
    [
      'case',
      (n: string) => `jörg${n}@bücher.de`,
      (n: string) => `JÖRG${n.toUpperCase()}@BÜCHER.DE`,
    ],
    [
      'a decomposed ö',
      (n: string) => `jörg${n}@bücher.de`,
      (n: string) => `jo\u0308rg${n}@bu\u0308cher.de`,
    ],
    [
      'the punycode domain and a +tag',
      (n: string) => `jörg${n}@bücher.de`,
      (n: string) => `jörg${n}+news@xn--bcher-kva.de`,
    ],
    ['ß as ss', (n: string) => `straße${n}@example.de`, (n: string) => `STRASSE${n}@example.de`],
  ])(
    'refuses a second trial for one Unicode mailbox spelled with %s',
    async (_label, spellFirst, spellAgain) => {
      // Prepare
      const name = freshName();
      const first = spellFirst(name);

      // Act
      const started = await stack.post('/v1/trial', { instanceName: deviceId(), email: first });
      const again = await stack.post('/v1/trial', {
        instanceName: deviceId(),
        email: spellAgain(name),
      });

      // Assess
      expect(started.status, started.text).toBe(200);
      expect(started.body.user_email).toBe(first);
      expect([again.status, again.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
    },
  );

  it('keeps addresses that only look alike apart: dots count outside Gmail', async () => {
    // Prepare
    const name = freshName();

    // Act
    const plain = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: `${name}@example.com`,
    });
    const dotted = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: `${name.slice(0, 4)}.${name.slice(4)}@example.com`,
    });

    // Assess
    expect([plain.status, dotted.status]).toEqual([200, 200]);
  });

  it('accepts a device id in upper-case hex, answers it as sent, and activates its trial key with it', async () => {
    // Prepare
    const sent = deviceId().toUpperCase();
    const email = `${freshName()}.Lee+RAVN@GoogleMail.com`;

    // Act
    const trial = await stack.post('/v1/trial', { instanceName: sent, email });
    const activated = await stack.post('/v1/activate', {
      instanceName: sent,
      licenseKey: trial.body.licenseKey,
    });

    // Assess
    expect(trial.status, trial.text).toBe(200);
    expect([trial.body.instanceName, trial.body.user_email]).toEqual([sent, email]);
    expect([activated.status, activated.body.instanceId]).toEqual([200, trial.body.instanceId]);
  });

  it.each([
    ['an address whose +tag was kept', 'ann+old@example.com', 'Ann+Old@Example.com'],
    ['a Gmail address with dots', 'a.nn@gmail.com', 'A.nn@Gmail.com'],
  ])('still refuses %s in a claim written before canonical forms', async (_label, old, sent) => {
    // Prepare
    const prefix = freshName();
    await writeOldClaim(stack, emailClaimKey(`${prefix}${old}`));

    // Act
    const response = await stack.post('/v1/trial', {
      instanceName: deviceId(),
      email: `${prefix}${sent}`,
    });

    // Assess
    expect([response.status, response.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
  });

  it('still refuses a device id claimed as sent before canonical forms', async () => {
    // Prepare
    const sent = deviceId().toUpperCase();
    await writeOldClaim(stack, deviceClaimKey(sent));

    // Act
    const response = await stack.post('/v1/trial', { instanceName: sent, email: freshEmail() });

    // Assess
    expect([response.status, response.body.code]).toEqual([403, 'TRIAL_ALREADY_USED']);
  });
});

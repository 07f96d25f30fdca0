import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalDeviceId,
  canonicalEmail,
  emailDomain,
  isListedDomain,
} from '#domain/trial-identity.ts';

/** Zero-width space, byte-order mark, soft hyphen: invisible, and format characters (Cf). */
const INVISIBLE = ['\u200b', '\ufeff', '\u00ad'];
const HEX_64 = /^[0-9a-f]{64}$/;

/** `text` with invisible characters put in at the generated positions. */
const sprinkled = (text: string) =>
  fc
    .array(fc.tuple(fc.nat({ max: text.length }), fc.constantFrom(...INVISIBLE)), {
      maxLength: 8,
    })
    .map((inserts) => {
      let result = text;
      for (const [at, character] of inserts) {
        const position = Math.min(at, result.length);
        result = result.slice(0, position) + character + result.slice(position);
      }
      return result;
    });

/** `text` with each letter upper- or lower-cased at random. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) =>
      [...text].map((c, index) => (upper[index] ? c.toUpperCase() : c.toLowerCase())).join(''),
    );

/**
 * An address spelled any way that reaches one mailbox: any case, an optional `+tag`, padding,
 * and for Gmail single dots in the local part; with the canonical form it must come out as.
 */
const spelledEmail = fc
  .record({
    name: fc.stringMatching(/^[a-z0-9]{2,12}$/),
    host: fc.constantFrom('example.com', 'gmail.com', 'googlemail.com'),
    tag: fc.option(fc.stringMatching(/^[a-z0-9.+-]{0,10}$/), { nil: undefined }),
    dots: fc.array(fc.nat(), { maxLength: 4 }),
    pad: fc.boolean(),
  })
  .chain(({ name, host, tag, dots, pad }) => {
    const gmail = host !== 'example.com';
    let local = name;
    for (const index of gmail ? dots : []) {
      const at = 1 + (index % (local.length - 1));
      if (local[at - 1] !== '.' && local[at] !== '.')
        local = `${local.slice(0, at)}.${local.slice(at)}`;
    }
    const address = `${local}${tag === undefined ? '' : `+${tag}`}@${host}`;
    return anyCase(address).map((cased) => ({
      sent: pad ? `  ${cased} ` : cased,
      expected: `${name}@${gmail ? 'gmail.com' : host}`,
    }));
  });

describe('canonicalDeviceId', () => {
  it.each([
    ['abc123', 'abc123'],
    ['ABC123', 'abc123'],
    ['\u200babc\ufeff12\u00ad3', 'abc123'],
    ['ＡＢＣ１２３', 'abc123'],
    ['abc\u0000123\u0007', 'abc123'],
    ['\u2060abc123\u200d', 'abc123'],
  ])('folds %j to %j', (sent, expected) => {
    // Act
    const result = canonicalDeviceId(sent);

    // Assess
    expect(result).toBe(expected);
  });

  it('maps every spelling of a 64-hex id (case, invisible characters) to the id', () => {
    fc.assert(
      fc.property(
        fc
          .stringMatching(HEX_64)
          .chain((id) => fc.tuple(fc.constant(id), anyCase(id).chain(sprinkled))),
        ([id, spelled]) => {
          // Act
          const result = canonicalDeviceId(spelled);

          // Assess
          expect(result).toBe(id);
        },
      ),
    );
  });

  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        // Act
        const once = canonicalDeviceId(text);

        // Assess
        expect(canonicalDeviceId(once)).toBe(once);
      }),
    );
  });
});

describe('canonicalEmail', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['ada+ravn@example.com', 'ada@example.com'],
    ['ada+ravn+2@example.com', 'ada@example.com'],
    ['a.da@example.com', 'a.da@example.com'],
    ['A.Da+x@GMail.com', 'ada@gmail.com'],
    ['a.d.a@googlemail.com', 'ada@gmail.com'],
    ['ada@mail.gmail.com', 'ada@mail.gmail.com'],
    ['+tag@example.com', '+tag@example.com'],
    ['\u200bada@example.com\ufeff', 'ada@example.com'],
    ['JÖRG@BÜCHER.DE', 'jörg@xn--bcher-kva.de'],
    ['jo\u0308rg+x@bu\u0308cher.de', 'jörg@xn--bcher-kva.de'],
    ['STRAẞE@example.de', 'strasse@example.de'],
    ['Straße@example.de', 'strasse@example.de'],
  ])('reads %j as %j', (email, expected) => {
    // Act
    const result = canonicalEmail(email);

    // Assess
    expect(result).toBe(expected);
  });

  it('maps any mix of case, +tag and (for Gmail) dots to one address', () => {
    fc.assert(
      fc.property(spelledEmail, ({ sent, expected }) => {
        // Act
        const result = canonicalEmail(sent);

        // Assess
        expect(result).toBe(expected);
      }),
    );
  });
});

describe('emailDomain', () => {
  it.each([
    ['ada@Example.COM', 'example.com'],
    ['a@b@x.mailinator.com', 'x.mailinator.com'],
    ['jörg@BÜCHER.de', 'xn--bcher-kva.de'],
    ['no-at-sign', ''],
  ])('reads the domain of %j as %j', (email, expected) => {
    // Act
    const result = emailDomain(email);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('isListedDomain', () => {
  const listed = new Set(['mailinator.com', 'trash.co.uk']);

  it.each([
    ['mailinator.com', true],
    ['x.mailinator.com', true],
    ['a.b.mailinator.com', true],
    ['mail.trash.co.uk', true],
    ['xmailinator.com', false],
    ['mailinator.com.example.org', false],
    ['com', false],
    ['co.uk', false],
    ['', false],
  ])('finds %j listed: %s', (domain, expected) => {
    // Act
    const result = isListedDomain(domain, listed);

    // Assess
    expect(result).toBe(expected);
  });
});

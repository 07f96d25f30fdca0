import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiDomain, emailAddressProblem } from '#domain/email-address.ts';

/** The shipped client's own check of its trial form. */
const CLIENT_EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

describe('emailAddressProblem', () => {
  it.each([
    'jörg@example.de',
    'user@bücher.de',
    'x&y@example.com',
    "o'neil+ravn@example.co.uk",
    '用户@例子.广告',
    'a@xn--bcher-kva.de',
    `${'a'.repeat(64)}@example.com`,
  ])('takes %j', (address) => {
    // Act
    const problem = emailAddressProblem(address);

    // Assess
    expect(problem).toBeUndefined();
  });

  it.each([
    ['no-at.example.com', 'one @'],
    ['a@b@example.com', 'one @'],
    ['a b@example.com', 'no spaces'],
    ['a\u00a0b@example.com', 'no spaces'],
    ['ada\u200b@example.com', 'invisible'],
    ['ada\u0007@example.com', 'invisible'],
    ['\ud800@example.com', 'invisible'],
    ['a"b@example.com', 'may not contain'],
    ['a<b>@example.com', 'may not contain'],
    ['.ada@example.com', 'dot'],
    ['ada.@example.com', 'dot'],
    ['a..da@example.com', 'dot'],
    [`${'a'.repeat(65)}@example.com`, '64 bytes'],
    [`${'ü'.repeat(33)}@example.com`, '64 bytes'],
    ['ada@localhost', 'domain'],
    ['ada@1.2.3.4', 'domain'],
    ['ada@bad_host.example', 'domain'],
    ['ada@-x.example', 'domain'],
    ['ada@x..example', 'domain'],
    ['ada@example.com.', 'domain'],
    ['ada@xn--zz.example', 'domain'],
    // Punycode of a capital Ü and of A + combining diaeresis: IDNA maps both before encoding.
    ['ada@xn--wca.example', 'domain'],
    ['ada@mail.xn--a-ccb.example', 'domain'],
    [`ada@${'x'.repeat(64)}.example`, 'domain'],
    [`${'a'.repeat(60)}@${`${'b'.repeat(60)}.`.repeat(4)}example`, '254 bytes'],
  ])('refuses %j (%s)', (address, rule) => {
    // Act
    const problem = emailAddressProblem(address);

    // Assess
    expect(problem).toContain(rule);
    expect(problem).not.toContain(address);
  });

  it('takes every plain ASCII address the client accepts (fast-check emailAddress)', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        // fast-check's generator allows RFC 1035 lengths this rule also checks in octets.
        fc.pre(CLIENT_EMAIL_PATTERN.test(address) && address.length <= 254);
        fc.pre((address.split('@')[0] ?? '').length <= 64 && !/\.\d+$/.test(address));

        // Act + Assess
        expect(emailAddressProblem(address)).toBeUndefined();
      }),
    );
  });
});

describe('asciiDomain', () => {
  it.each([
    ['bücher.de', 'xn--bcher-kva.de'],
    ['BÜCHER.DE', 'xn--bcher-kva.de'],
    ['bu\u0308cher.de', 'xn--bcher-kva.de'],
    ['\uff4d\uff41\uff49\uff4c.com', 'mail.com'],
    ['Example.COM', 'example.com'],
  ])('folds %j to %j', (domain, expected) => {
    // Act
    const ascii = asciiDomain(domain);

    // Assess
    expect(ascii).toBe(expected);
  });
});

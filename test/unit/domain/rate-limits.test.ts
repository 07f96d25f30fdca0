import { describe, expect, it } from 'vitest';
import { ipSubject, rateLimited } from '#domain/rate-limits.ts';

describe('ipSubject', () => {
  it.each([
    ['an IPv4 address counts on its own', '198.51.100.7', '198.51.100.7'],
    [
      'an IPv6 address counts with its /64',
      '2001:0db8:0001:0002:0003:0004:0005:0006',
      '2001:0db8:0001:0002::/64',
    ],
    ['an unknown caller is one shared subject', 'unknown', 'unknown'],
  ])('%s', (_label, ip, subject) => {
    // Act
    const counted = ipSubject({ ip });

    // Assess
    expect(counted).toBe(subject);
  });
});

describe('rateLimited', () => {
  it('refuses with RATE_LIMITED, when it lifts in whole seconds (at least 1), and the limit', () => {
    // Prepare
    const limit = { name: 'trial', max: 5, windowSeconds: 3600 };
    const now = new Date('2026-03-10T12:59:59.500Z');

    // Act
    const refusal = rateLimited('trial', limit, new Date('2026-03-10T13:00:00.000Z'), now);

    // Assess
    expect(refusal).toMatchObject({
      ok: false,
      code: 'RATE_LIMITED',
      retry: { at: '2026-03-10T13:00:00.000Z', afterSeconds: 1 },
      limit,
    });
  });
});

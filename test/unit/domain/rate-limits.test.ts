import { describe, expect, it } from 'vitest';
import { ipSubject } from '#domain/rate-limits.ts';

describe('ipSubject', () => {
  it.each([
    ['an IPv4 address counts on its own', '198.51.100.7', '198.51.100.7'],
    [
      'an IPv6 address counts with its /56',
      '2001:0db8:0001:02ab:0003:0004:0005:0006',
      '2001:0db8:0001:0200::/56',
    ],
    ['an unknown caller is one shared subject', 'unknown', 'unknown'],
  ])('%s', (_label, ip, subject) => {
    // Act
    const counted = ipSubject({ ip });

    // Assess
    expect(counted).toBe(subject);
  });

  it('counts every /64 of one /56 (a home) as one subject, and the next /56 as another', () => {
    // Prepare: the 256 /64s a home is delegated, and the first /64 of its neighbour.
    const home = Array.from(
      { length: 256 },
      (_, index) => `2001:0db8:0001:02${index.toString(16).padStart(2, '0')}:0000:0000:0000:0001`,
    );
    const neighbour = '2001:0db8:0001:0300:0000:0000:0000:0001';

    // Act
    const subjects = new Set(home.map((ip) => ipSubject({ ip })));

    // Assess
    expect([...subjects]).toEqual(['2001:0db8:0001:0200::/56']);
    expect(ipSubject({ ip: neighbour })).toBe('2001:0db8:0001:0300::/56');
  });

  it.each([
    [64, '2001:0db8:0001:02ab::/64'],
    [60, '2001:0db8:0001:02a0::/60'],
    [48, '2001:0db8:0001::/48'],
    [128, '2001:0db8:0001:02ab:0003:0004:0005:0006/128'],
  ])('writes the prefix of another length (/%i) as its network', (bits, subject) => {
    // Act
    const counted = ipSubject({ ip: '2001:0db8:0001:02ab:0003:0004:0005:0006' }, bits);

    // Assess
    expect(counted).toBe(subject);
  });
});

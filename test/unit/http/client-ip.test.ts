import { describe, expect, it } from 'vitest';
import { addressOf, callerOf } from '#http/client-ip.ts';
import { apiEvent } from '#local/api-event.ts';

describe('addressOf', () => {
  it.each([
    ['an IPv4 viewer with its port', '198.51.100.10:46532', '198.51.100.10'],
    [
      'an IPv6 viewer, unbracketed, with its port',
      '2001:db8::1:46532',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
    ],
    ['an IPv6 viewer, bracketed', '[2001:DB8::1]:443', '2001:0db8:0000:0000:0000:0000:0000:0001'],
    [
      'an IPv6 viewer written out in full',
      '2001:0db8:0:0:0:0:0:1:80',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
    ],
    ['an IPv4-mapped IPv6 viewer', '::ffff:127.0.0.1:5000', '127.0.0.1'],
    ['a bare IPv4 address', '192.0.2.7', '192.0.2.7'],
    ['a bare IPv6 address', '2001:db8::', '2001:0db8:0000:0000:0000:0000:0000:0000'],
    ['the loopback', '::1:1234', '0000:0000:0000:0000:0000:0000:0000:0001'],
    ['surrounding spaces', '  203.0.113.9:1  ', '203.0.113.9'],
  ])('reads %s', (_label, value, expected) => {
    // Act
    const address = addressOf(value);

    // Assess
    expect(address).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['not an address', 'localhost:80'],
    ['a list', '198.51.100.1, 198.51.100.2'],
    ['an IPv4 with leading zeros', '010.0.0.1:80'],
    ['too long', `${'1'.repeat(70)}:80`],
    ['an injection attempt', '1.2.3.4#RATE#x:80'],
    ['a port only', ':443'],
  ])('refuses %s', (_label, value) => {
    // Act
    const address = addressOf(value);

    // Assess
    expect(address).toBeUndefined();
  });
});

describe('callerOf', () => {
  const event = (headers: Record<string, string>, sourceIp = '10.0.0.5') =>
    apiEvent({ path: '/v1/trial', headers, sourceIp });

  it('takes the viewer address CloudFront forwards, whatever case the header is in', () => {
    // Act
    const caller = callerOf(event({ 'CloudFront-Viewer-Address': '198.51.100.7:44321' }));

    // Assess
    expect(caller).toEqual({ ip: '198.51.100.7' });
  });

  it('never reads X-Forwarded-For', () => {
    // Act
    const caller = callerOf(event({ 'x-forwarded-for': '203.0.113.66' }, '198.51.100.8'));

    // Assess
    expect(caller).toEqual({ ip: '198.51.100.8' });
  });

  it('falls back to the source address when the viewer address is missing or malformed', () => {
    // Act
    const missing = callerOf(event({}));
    const malformed = callerOf(event({ 'cloudfront-viewer-address': 'garbage' }));

    // Assess
    expect([missing, malformed]).toEqual([{ ip: '10.0.0.5' }, { ip: '10.0.0.5' }]);
  });

  it('is `unknown` when no address can be read at all', () => {
    // Act
    const caller = callerOf(event({ 'cloudfront-viewer-address': 'x' }, 'not-an-ip'));

    // Assess
    expect(caller).toEqual({ ip: 'unknown' });
  });
});

import { isIPv4, isIPv6 } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Caller, UNKNOWN_IP } from '#domain/rate-limits.ts';
import { header } from './messages.ts';

/**
 * The viewer's address and source port, as CloudFront puts it on origin requests (when the
 * origin request policy forwards it): `198.51.100.10:46532`, IPv6 unbracketed
 * (`2001:db8::1:46532`). CloudFront sets it from the connection, so unlike `X-Forwarded-For`
 * (which a client may start with any entries it likes) it cannot be chosen by the caller.
 * The local server sets it from the socket, overwriting whatever a client sent.
 */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/** Longer than any address with port; anything longer is not one. */
const MAX_ADDRESS_LENGTH = 64;

/**
 * Who sent the request: the viewer address CloudFront forwards, else the address the function
 * URL saw (behind CloudFront that is an edge server, shared by many viewers; locally the socket),
 * else `unknown` (one shared subject). Never `X-Forwarded-For`.
 */
export function callerOf(
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>,
): Caller {
  const viewer = header(event, VIEWER_ADDRESS_HEADER);
  const ip =
    (viewer === undefined ? undefined : addressOf(viewer)) ??
    canonicalIp(event.requestContext?.http?.sourceIp ?? '');
  return { ip: ip ?? UNKNOWN_IP };
}

/** The address in `address:port` (or `[v6]:port`, or a bare address), canonical; else undefined. */
export function addressOf(value: string): string | undefined {
  const text = value.trim();
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return canonicalIp(bracketed[1] ?? '');
  const colon = text.lastIndexOf(':');
  const port = text.slice(colon + 1);
  // CloudFront always sends a port: split it off first, so `…::1:443` is `…::1` port 443.
  if (colon > 0 && /^\d{1,5}$/.test(port)) {
    const host = canonicalIp(text.slice(0, colon));
    if (host) return host;
  }
  return canonicalIp(text);
}

/**
 * One spelling per address, so one host is one subject: IPv4 in plain dotted decimal; IPv6 as
 * eight lower-case 4-digit groups, without a zone; an IPv4-mapped IPv6 address as its IPv4.
 */
export function canonicalIp(text: string): string | undefined {
  if (isIPv4(text)) return text.split('.').map(Number).join('.');
  const address = text.split('%')[0] ?? '';
  if (!isIPv6(address)) return undefined;
  const groups = ipv6Groups(address);
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return groups.map((group) => group.toString(16).padStart(4, '0')).join(':');
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail split). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

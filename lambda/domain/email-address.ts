import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * Which trial email addresses the service takes (docs/license-lifecycle.md, "Trial identities").
 * The shipped client's form accepts any `^[^\s@]+@[^\s@]+\.[^\s@]+$`, so a refusal here is a
 * sentence the client shows (400); everything its pattern lets through that a mail server could
 * deliver to is accepted: Unicode local parts (RFC 6531) and internationalised domain names.
 */

/** RFC 5321 §4.5.3.1: 64 octets of local part, 255 of domain, 254 of address (a 256-octet path). */
const MAX_LOCAL_OCTETS = 64;
const MAX_ADDRESS_OCTETS = 254;
const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * Characters nobody reads: control (Cc), format (Cf: zero-width space, BOM, soft hyphen…), and
 * halves of a surrogate pair (Cs: JSON can carry one alone; it is no character at all).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/u;
/** Whitespace as the client's `\s` sees it, and the separators Unicode has besides. */
const SPACE = /[\s\p{Z}]/u;
/**
 * ASCII that RFC 5322 allows in a local part only inside quotes; a quoted local part is legal
 * but no mail provider hands one out, so it is refused rather than half-supported.
 */
const NEEDS_QUOTES = /["(),:;<>[\\\]]/;
/** A label of a domain in its ASCII form: letters, digits, hyphens, not at either end. */
const ASCII_LABEL = /^(?!-)[a-z0-9-]+(?<!-)$/;

/**
 * Why `address` (already trimmed) cannot receive mail, as a sentence the client can show, or
 * undefined when it is taken. Never quotes the address back.
 */
export function emailAddressProblem(address: string): string | undefined {
  const at = address.indexOf('@');
  if (at <= 0 || at !== address.lastIndexOf('@') || at === address.length - 1) {
    return 'expected one @ with a name before it and a domain after it';
  }
  if (SPACE.test(address)) return 'an email address has no spaces';
  if (INVISIBLE.test(address)) return 'the address contains an invisible or control character';
  const local = address.slice(0, at);
  if (NEEDS_QUOTES.test(local)) {
    return 'the part before @ may not contain any of " ( ) , : ; < > [ \\ ]';
  }
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'the part before @ may not start or end with a dot or have two in a row';
  }
  const localOctets = Buffer.byteLength(local, 'utf8');
  if (localOctets > MAX_LOCAL_OCTETS) return 'the part before @ is longer than 64 bytes';
  const domain = asciiDomain(address.slice(at + 1));
  if (domain === undefined) return 'the domain after @ is not a valid domain name';
  if (localOctets + 1 + domain.length > MAX_ADDRESS_OCTETS) {
    return 'the address is longer than 254 bytes';
  }
  return undefined;
}

/**
 * Whether an ASCII label is what it claims: a label without the `xn--` prefix is, one with it
 * only if it decodes to Unicode that encodes back to it (IDNA's A-label). Node 24's
 * domainToASCII passes an `xn--` label through unchecked (Node 22 answered '' for one that does
 * not decode or decodes to what IDNA would have mapped first, such as a capital letter), and no
 * registry issues such a label.
 */
function isALabel(label: string): boolean {
  if (!label.startsWith('xn--')) return true;
  const unicode = domainToUnicode(label);
  return !unicode.startsWith('xn--') && domainToASCII(unicode) === label;
}

/**
 * A domain in its ASCII (punycode) form, as DNS and mail servers know it: `BÜCHER.de` and
 * `xn--bcher-kva.de` are one domain. Undefined unless it is a name mail can be sent to: two or
 * more labels of letters, digits and hyphens within DNS's lengths, the last not all digits (an
 * IP address is no domain).
 */
export function asciiDomain(domain: string): string | undefined {
  // UTS #46 mapping (case, width, NFC) and punycode; '' for what no host could be.
  const ascii = domainToASCII(domain.normalize('NFKC'));
  if (ascii === '' || ascii.length > MAX_DOMAIN_LENGTH) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2) return undefined;
  const wellFormed = labels.every(
    (label) => label.length <= MAX_LABEL_LENGTH && ASCII_LABEL.test(label) && isALabel(label),
  );
  if (!wellFormed || /^\d+$/.test(labels.at(-1) ?? '')) return undefined;
  return ascii;
}

import { asciiDomain } from './email-address.ts';

/**
 * The canonical forms a trial's claims are keyed by. A trial hands out credit to anyone, so two
 * spellings of one device or one mailbox must claim the same trial: otherwise `DEVICE-1` next to
 * `device-1`, a zero-width space, or `you+2@example.com` each get a trial of their own.
 */

/** Format (Cf: zero-width space, BOM, soft hyphen…) and control (Cc) characters. */
const INVISIBLE = /[\p{Cf}\p{Cc}]/gu;

/** Addresses Gmail delivers to one mailbox whatever dots the local part has. */
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Text as it compares: invisible characters dropped first (so that what they separated can
 * compose), then compatibility forms folded (NFKC: a full-width `Ａ` is `A`), then lower case.
 */
function fold(value: string): string {
  return value.replace(INVISIBLE, '').normalize('NFKC').toLowerCase().trim();
}

/** A trial's device id as it is compared, claimed and checked against the configured pattern. */
export function canonicalDeviceId(instanceName: string): string {
  return fold(instanceName);
}

/**
 * An email address as it is claimed: folded like a device id, the `+tag` dropped from the local
 * part, and for Gmail the dots too (googlemail.com is the same mailbox at gmail.com). A local
 * part that is nothing but a tag keeps it: dropping it would make every such address one.
 * Unicode: the local part is also case-folded in full (`ß` and `ss`, `ς` and `σ` are one: more
 * addresses read as one person, never fewer), and the domain takes its ASCII (punycode) form, so
 * `JÖRG@BÜCHER.de`, a decomposed `ö` and `jörg@xn--bcher-kva.de` claim one trial.
 */
export function canonicalEmail(email: string): string {
  const folded = fold(email);
  const at = folded.lastIndexOf('@');
  if (at < 0) return folded;
  let local = caseFold(folded.slice(0, at));
  let domain = asciiOrFolded(folded.slice(at + 1));
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/** The domain of an address in its ASCII form, folded (empty when there is no `@`). */
export function emailDomain(email: string): string {
  const folded = fold(email);
  const at = folded.lastIndexOf('@');
  return at < 0 ? '' : asciiOrFolded(folded.slice(at + 1));
}

/**
 * Full case folding, near enough: upper then lower case maps `ß` to `ss` and final `ς` to `σ`
 * as Unicode's folding does; ASCII comes out as plain lower case, so claims written before
 * Unicode addresses were taken keep their keys. NFC again: casing may decompose.
 */
function caseFold(text: string): string {
  return text.toUpperCase().toLowerCase().normalize('NFC');
}

/** A folded domain's ASCII form; one that has none (refused at the wire anyway) stays as it is. */
function asciiOrFolded(domain: string): string {
  return asciiDomain(domain) ?? domain;
}

/**
 * Whether `domain` or one of its parents is listed: disposable services hand out any subdomain
 * (`x.mailinator.com`), and lists name only the registered domain. The top-level domain alone
 * is never looked up.
 */
export function isListedDomain(domain: string, listed: ReadonlySet<string>): boolean {
  let rest = domain;
  while (rest.includes('.')) {
    if (listed.has(rest)) return true;
    rest = rest.slice(rest.indexOf('.') + 1);
  }
  return false;
}

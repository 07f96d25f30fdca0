import * as z from 'zod';
import { emailAddressProblem } from '#domain/email-address.ts';

/**
 * A device id as the client sends it (RAVN Mail: a 64-hex machine hash). Any label is accepted
 * here; a trial's is checked by the service against the configured pattern, in canonical form.
 */
export const instanceName = z.string().trim().min(1).max(256);
export const licenseKey = z.string().trim().min(1).max(256);
export const instanceId = z.string().trim().min(1).max(256);

/**
 * A client's own value for one request, echoed in the signed lease so the client can tell the
 * answer to this request from a replayed one: 1 to 128 printable ASCII characters, kept exactly as
 * sent (not trimmed). Not domain data: only the lease writer reads it.
 */
export const nonce = z
  .string()
  .regex(/^[\x20-\x7e]{1,128}$/, 'expected 1 to 128 printable ASCII characters');

/**
 * A trial's email address, trimmed (clients paste stray spaces): any address the shipped client's
 * form accepts that mail could be delivered to, Unicode and IDN included (domain/email-address.ts).
 * Each refusal names the rule it broke, since the client shows a 400's body as it is.
 */
export const trialEmail = z
  .string()
  .trim()
  .superRefine((address, context) => {
    const problem = emailAddressProblem(address);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    format: 'idn-email',
    maxLength: 254,
    description:
      'Unicode local parts and internationalised domains are taken; at most 64 bytes before @ and 254 in all, no spaces, invisible characters or quoted parts, and a domain of two or more labels.',
  });

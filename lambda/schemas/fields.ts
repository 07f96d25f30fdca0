import * as z from 'zod';

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

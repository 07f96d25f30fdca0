import { expect } from 'vitest';
import * as z from 'zod';
import type { HttpResult } from '#test/helpers/test-stack.ts';

/**
 * The shipped RAVN Mail client (`ravnmail/ravn` v26.3.8, `src-tauri/src/licensing/types.rs`) as
 * serde parses a success body: these fields, these types, unknown fields ignored. A `String` is
 * never null; `Option<String>` may be null or absent; `status` is a closed enum. Dates must also
 * parse with chrono's `parse_from_rfc3339`, or the client silently ignores the expiry.
 */
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
export const clientActivationResponse = z.object({
  instanceId: z.string(),
  licenseKey: z.string(),
  user_name: z.string(),
  user_email: z.string(),
  ai_mode: z.enum(['saas', 'byok']),
  status: z.enum(['active', 'trial', 'expired', 'suspended']),
  expires_at: rfc3339.nullish(),
  trial_ends_at: rfc3339.nullish(),
  ai_details: z
    .object({
      token: z.string(),
      limit: z.number(),
      limit_remaining: z.number(),
      expires_at: rfc3339,
    })
    .nullish(),
});
export type ClientActivationResponse = z.infer<typeof clientActivationResponse>;

/** `ActivationError::from_response`: the client maps an error by its status alone. */
export function clientError(status: number): string {
  switch (status) {
    case 400:
      return 'ActivationFailed';
    case 403:
      return 'TrialAlreadyUsed';
    case 404:
      return 'LicenseNotFound';
    case 409:
      return 'LicenseAlreadyActivated';
    case 503:
      return 'ServiceUnavailable';
    default:
      return 'Unknown';
  }
}

/** A 200 parsed as the client parses it; a body it would reject fails the test here. */
export function parsedByClient(response: HttpResult): ClientActivationResponse {
  expect(response.status, response.text).toBe(200);
  const parsed = clientActivationResponse.safeParse(JSON.parse(response.text));
  expect(parsed.error?.issues, response.text).toBeUndefined();
  return parsed.data as ClientActivationResponse;
}

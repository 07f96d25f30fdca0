import * as z from 'zod';
import type { LicenseView } from '#services/outcome.ts';

/**
 * The success body of trial, activate and validate. Field names are the wire format shipped
 * clients read (camelCase and snake_case mixed on purpose): never rename them.
 */
export const licenseResponseSchema = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  licenseKey: z.string(),
  user_name: z.string().nullable(),
  user_email: z.string().nullable(),
  ai_mode: z.enum(['saas', 'byok']),
  ai_details: z
    .object({
      token: z.string(),
      limit: z.number(),
      limit_remaining: z.number(),
      expires_at: z.string(),
    })
    .optional(),
  status: z.enum(['inactive', 'active', 'expired', 'disabled']),
  license_expires_at: z.string().nullable(),
  activation_limit: z.number().nullable(),
  activation_usage: z.number(),
});

export type LicenseResponse = z.infer<typeof licenseResponseSchema>;

/** ISO-8601 without milliseconds, as in `2026-02-10T00:00:00Z`. */
function wireTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

export function toLicenseResponse(view: LicenseView): LicenseResponse {
  return {
    instanceId: view.instanceId,
    instanceName: view.instanceName,
    licenseKey: view.licenseKey,
    user_name: view.userName,
    user_email: view.userEmail,
    ai_mode: view.aiMode,
    ...(view.ai
      ? {
          ai_details: {
            token: view.ai.token,
            limit: view.ai.limit,
            limit_remaining: view.ai.limitRemaining,
            expires_at: wireTime(view.ai.expiresAt),
          },
        }
      : {}),
    status: view.status,
    license_expires_at: view.licenseExpiresAt === null ? null : wireTime(view.licenseExpiresAt),
    activation_limit: view.activationLimit,
    activation_usage: view.activationUsage,
  };
}

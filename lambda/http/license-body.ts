import { activeDevices } from '#domain/license.ts';
import { accessAfterRefusal } from '#domain/license-rules.ts';
import type { LicenseGrant } from '#domain/outcome.ts';
import type { UnsignedLicenseResponse } from '#schemas/license-response.ts';

/** Why a usable SaaS license answers without a key. */
const CREDIT_PENDING = {
  code: 'AI_CREDIT_PENDING',
  detail:
    'AI credit for a new period is issued once LemonSqueezy confirms the period is paid, or the period has none left.',
} as const;

/**
 * The one translation of a grant to the wire body of trial, activate and validate (its `lease`,
 * signed from this body, is added by `http/lease.ts`). Names and
 * emails are never null on the wire (the shipped client rejects null): a trial started without a
 * name, or a LemonSqueezy customer without one, is called by its email address, and an unknown
 * email is an empty string. A SaaS license that may be used but has no live key says why.
 */
export function licenseBody(grant: LicenseGrant): UnsignedLicenseResponse {
  const { license, device, aiKey, refusal } = grant;
  const isTrial = license.kind === 'trial';
  const email = license.customerEmail ?? '';
  const notice = license.plan.aiMode === 'saas' && !refusal && !aiKey ? CREDIT_PENDING : undefined;
  const why = refusal ?? notice;
  return {
    instanceId: device.instanceId,
    instanceName: device.instanceName,
    licenseKey: grant.licenseKey,
    user_name: license.customerName || email,
    user_email: email,
    ai_mode: license.plan.aiMode,
    ...(aiKey
      ? {
          ai_details: {
            token: aiKey.token,
            limit: aiKey.limit,
            limit_remaining: aiKey.limitRemaining,
            expires_at: wireTime(aiKey.periodEnd),
          },
        }
      : {}),
    status: refusal ? accessAfterRefusal(refusal.code) : isTrial ? 'trial' : 'active',
    ...(why ? { code: why.code, message: why.detail } : {}),
    expires_at: wireTimeOrNull(license.expiresAt),
    trial_ends_at: isTrial ? wireTimeOrNull(license.expiresAt) : null,
    license_expires_at: wireTimeOrNull(license.expiresAt),
    activation_limit: license.provider?.activationLimit ?? (isTrial ? 1 : null),
    activation_usage: license.provider?.activationUsage ?? activeDevices(license).length,
    entitlements: grant.entitlements,
    cache_until: wireTime(grant.cacheUntil),
    grace_until: wireTime(grant.graceUntil),
  };
}

/** ISO-8601 without milliseconds, as in `2026-02-10T00:00:00Z` (RFC 3339, as the client parses). */
function wireTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

function wireTimeOrNull(iso: string | null): string | null {
  return iso === null ? null : wireTime(iso);
}

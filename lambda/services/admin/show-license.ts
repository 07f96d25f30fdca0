import { listedDevices } from '#domain/devices.ts';
import { isDomainError } from '#domain/errors.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense } from '#domain/license-rules.ts';
import type { Outcome } from '#domain/outcome.ts';
import { shortHash } from '#domain/secrets.ts';
import type { KeyUsage } from '#ports/key-provisioner.ts';
import type { LicenseTarget } from '#schemas/admin.ts';
import type { AdminDeps } from './admin-deps.ts';
import { auditView } from './audit-trail.ts';
import { findLicenses } from './find-license.ts';

const RECENT_AUDIT = 10;

/**
 * Everything an operator needs about the licenses a request names, read-only: facts and when
 * LemonSqueezy last confirmed them, devices, the AI key (its hash shortened, its usage read live
 * from OpenRouter, never its token) and the latest audit records. Nothing is written.
 */
export async function showLicense(
  deps: AdminDeps,
  target: LicenseTarget,
): Promise<Outcome<{ licenses: Array<Record<string, unknown>> }>> {
  const licenses = await findLicenses(deps, target);
  if (licenses.length === 0)
    return { ok: false, code: 'LICENSE_NOT_FOUND', detail: 'No license matches.' };
  return { ok: true, value: { licenses: await Promise.all(licenses.map((l) => view(deps, l))) } };
}

async function view(deps: AdminDeps, license: LicenseRecord): Promise<Record<string, unknown>> {
  const now = deps.clock.now();
  const verdict = checkLicense(license, now, 'validate');
  const [live, audit] = await Promise.all([
    liveUsage(deps, license),
    deps.admin.listAudit(license.licenseHash, RECENT_AUDIT, now),
  ]);
  const key = license.ai;
  return {
    license: shortHash(license.licenseHash),
    kind: license.kind,
    status: license.status,
    access: verdict.ok ? 'usable' : verdict.code,
    plan: license.plan,
    customer: { name: license.customerName, email: license.customerEmail },
    expiresAt: license.expiresAt,
    provider: license.provider ?? null,
    subscription: license.subscription ?? null,
    refundedAt: license.refundedAt ?? null,
    facts: {
      statusCheckedAt: license.statusCheckedAt,
      factsAsOf: license.factsAsOf ?? null,
      subscriptionAsOf: license.subscriptionAsOf ?? null,
    },
    devices: listedDevices(license),
    ai: key
      ? {
          key: shortHash(key.hash),
          limit: key.limit,
          limitRemaining: key.limitRemaining,
          limitCheckedAt: key.limitCheckedAt,
          periodEnd: key.periodEnd,
          issuedAt: key.issuedAt,
          disabledAt: key.disabledAt ?? null,
          usageAtDisable: key.usageAtDisable ?? null,
          live,
        }
      : null,
    spentKeys: (license.spentKeys ?? []).map((spent) => ({
      key: shortHash(spent.hash),
      limit: spent.limit,
      usage: spent.usage,
      periodEnd: spent.periodEnd,
      goneAt: spent.goneAt,
    })),
    createdAt: license.createdAt,
    updatedAt: license.updatedAt,
    audit: audit.map(auditView),
  };
}

/** OpenRouter's figures for the key now; an outage is reported, not thrown (the rest still helps). */
async function liveUsage(
  deps: AdminDeps,
  license: LicenseRecord,
): Promise<(KeyUsage & { found: true }) | { found: false } | { error: string } | null> {
  if (!license.ai) return null;
  try {
    const usage = await deps.keys.usage(license.ai.hash);
    return usage ? { found: true, ...usage } : { found: false };
  } catch (error) {
    if (isDomainError(error)) return { error: error.code };
    throw error;
  }
}

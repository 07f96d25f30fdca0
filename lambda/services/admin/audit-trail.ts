import type { AuditRecord, AuditState } from '#domain/audit.ts';
import { activeDevices } from '#domain/device-slots.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense } from '#domain/license-rules.ts';
import { shortHash } from '#domain/secrets.ts';
import type { AdminDeps } from './admin-deps.ts';

/**
 * A license as an audit record shows it, before or after an action: what money and seats
 * depend on, hashes shortened, never a key or token.
 */
export function licenseState(deps: AdminDeps, license: LicenseRecord | undefined): AuditState {
  if (!license) return { exists: false };
  const verdict = checkLicense(license, deps.clock.now(), 'validate');
  const key = license.ai;
  return {
    status: license.status,
    access: verdict.ok ? 'usable' : verdict.code,
    activeDevices: activeDevices(license).length,
    activationUsage: license.provider?.activationUsage ?? null,
    aiKey: key
      ? {
          key: shortHash(key.hash),
          limit: key.limit,
          periodEnd: key.periodEnd,
          disabled: key.disabledAt !== undefined,
        }
      : null,
    spentKeys: (license.spentKeys ?? []).length,
    statusCheckedAt: license.statusCheckedAt,
  };
}

/**
 * Records one admin action on the license's audit trail, kept `auditRetentionDays`.
 * Automatic actions write theirs through `deps.audit` (the same trail, actor `system:<function>`).
 */
export async function recordAudit(
  deps: AdminDeps,
  entry: Omit<AuditRecord, 'id' | 'at'>,
): Promise<AuditRecord> {
  const record = await deps.admin.appendAudit(entry, deps.clock.now(), deps.auditRetentionDays);
  deps.logger.info('admin action', {
    action: record.action,
    license: shortHash(record.licenseHash),
    actor: record.actor,
    auditId: record.id,
  });
  return record;
}

/** An audit record as the API answers it: the license by its short hash. */
export function auditView(record: AuditRecord): AuditState {
  const { licenseHash, ...rest } = record;
  return { license: shortHash(licenseHash), ...rest };
}

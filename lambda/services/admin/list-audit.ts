import { type Outcome, refused } from '#domain/outcome.ts';
import type { AuditListRequest } from '#schemas/admin.ts';
import type { AdminDeps } from './admin-deps.ts';
import { auditView } from './audit-trail.ts';
import { findOneLicense } from './find-license.ts';

/** A license's audit records, newest first (at most `limit`; older ones expire by TTL). */
export async function listAudit(
  deps: AdminDeps,
  request: AuditListRequest,
): Promise<Outcome<{ records: Array<Record<string, unknown>> }>> {
  const license = await findOneLicense(deps, request);
  if (!license) return refused('LICENSE_NOT_FOUND', 'No license matches.');
  const records = await deps.admin.listAudit(license.licenseHash, request.limit, deps.clock.now());
  return { ok: true, value: { records: records.map(auditView) } };
}

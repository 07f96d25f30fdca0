import type { TrialClaim } from '#adapters/dynamodb/admin-store.ts';
import type { Outcome } from '#domain/outcome.ts';
import { normaliseEmail, shortHash } from '#domain/secrets.ts';
import { canonicalDeviceId, canonicalEmail } from '#domain/trial-identity.ts';
import type { TrialResetRequest } from '#schemas/admin.ts';
import type { AdminDeps, FromActor } from './admin-deps.ts';
import { recordAudit } from './audit-trail.ts';

export interface TrialReset {
  cleared: Array<{ kind: TrialClaim['kind']; license: string; claimedAt: string }>;
}

/**
 * Lets an email and/or a device start a trial again by deleting their trial claims, in every
 * form `startTrial` looks up (the canonical one, and the trimmed/as-sent one of older claims).
 * The trial itself is left as it is (its key and device stay until it ends). Each license whose
 * claim was cleared gets an audit record; nothing found changes nothing.
 */
export async function resetTrial(
  deps: AdminDeps,
  request: TrialResetRequest & FromActor,
): Promise<Outcome<TrialReset>> {
  const emails = request.email
    ? [canonicalEmail(request.email), normaliseEmail(request.email)]
    : [];
  const devices = request.instanceName
    ? [canonicalDeviceId(request.instanceName), request.instanceName]
    : [];
  const claims = await deps.admin.trialClaims(emails, devices);
  for (const claim of claims) await deps.admin.deleteTrialClaim(claim);
  const byLicense = new Map<string, TrialClaim[]>();
  for (const claim of claims) {
    byLicense.set(claim.licenseHash, [...(byLicense.get(claim.licenseHash) ?? []), claim]);
  }
  for (const [licenseHash, cleared] of byLicense) {
    const kinds = [...new Set(cleared.map((claim) => claim.kind))];
    await recordAudit(deps, {
      licenseHash,
      actor: request.actor,
      action: 'trial.reset',
      before: { claims: kinds },
      after: { claims: [] },
      ...(request.reason ? { detail: { reason: request.reason } } : {}),
    });
  }
  return {
    ok: true,
    value: {
      cleared: claims.map((claim) => ({
        kind: claim.kind,
        license: shortHash(claim.licenseHash),
        claimedAt: claim.createdAt,
      })),
    },
  };
}

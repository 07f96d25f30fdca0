import type { AuditAction } from '#domain/audit.ts';
import { InvalidRequestError, UpstreamError } from '#domain/errors.ts';
import type { LicenseRecord } from '#domain/license.ts';
import { checkLicense } from '#domain/license-rules.ts';
import { type Outcome, refused } from '#domain/outcome.ts';
import { spentKeyOf } from '#domain/period.ts';
import type { KeyActionRequest } from '#schemas/admin.ts';
import { discardKey, ensureAiKey, revokeKey } from '../rotate-key.ts';
import type { AdminDeps, FromActor } from './admin-deps.ts';
import { licenseState, recordAudit } from './audit-trail.ts';
import { findOneLicense } from './find-license.ts';

/** What a key action answers: the license's state before and after (as its audit record). */
export interface KeyActionResult {
  licenseHash: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

type Action = (deps: AdminDeps, license: LicenseRecord) => Promise<Outcome<LicenseRecord>>;

/**
 * Turns the license's AI off until an operator turns it on again: the hold is set first (so a
 * validate racing us cannot enable or issue a key any more: every key write is conditional on
 * no hold), then the key is disabled at OpenRouter, kept with what it spent (I1).
 */
export function revokeAiKey(deps: AdminDeps, request: KeyActionRequest & FromActor) {
  return keyAction(deps, request, 'key.revoke', async (d, license) => {
    const hold = { at: d.clock.now().toISOString(), actor: request.actor };
    const held = (await d.store.setAiHold(license.licenseHash, hold)) ?? license;
    return { ok: true, value: await revokeKey(d, held) };
  });
}

/**
 * Lifts an operator's hold and enables the license's disabled key of the current period again:
 * the same key, so its credit is counted once (I1). Only for a usable license (I2); a key OpenRouter lost is replaced by
 * `ensureAiKey` with what is left of the period's credit, never more.
 */
export function enableAiKey(deps: AdminDeps, request: KeyActionRequest & FromActor) {
  return keyAction(deps, request, 'key.enable', async (d, stored) => {
    // Lifting the hold is what turns the AI on; the key itself follows when the license is usable.
    const license = stored.aiHold
      ? ((await d.store.setAiHold(stored.licenseHash, undefined)) ?? stored)
      : stored;
    const usable = usableOrRefusal(d, license);
    if (usable) return usable;
    const key = license.ai;
    // A key with an intent left open may be disabled at OpenRouter whatever `disabledAt` says.
    if (!(key?.disabledAt || key?.intent) || new Date(key.periodEnd) <= d.clock.now()) {
      return { ok: true, value: license };
    }
    return { ok: true, value: await settled(await ensureAiKey(d, license)) };
  });
}

/**
 * Replaces the license's key of the current period with a new one (a leaked token): the old key
 * is disabled and what it spent is recorded as a dead key of the period, then deleted; the new
 * key carries what is left of the period's credit (I1), none when it is used up.
 */
export function rotateAiKey(deps: AdminDeps, request: KeyActionRequest & FromActor) {
  return keyAction(deps, request, 'key.rotate', async (d, license) => {
    if (license.plan.aiMode !== 'saas') {
      throw new InvalidRequestError('This license has no AI key to rotate (BYOK plan).');
    }
    const usable = usableOrRefusal(d, license);
    if (usable) return usable;
    let current = license;
    const key = license.ai;
    if (key) {
      const disabled = await d.keys.disable(key.hash);
      const usage = disabled ? disabled.usage : key.limit - key.limitRemaining;
      const spent = spentKeyOf(key, usage, d.clock.now());
      const forgotten = await d.store.markKeyGone(license.licenseHash, spent);
      if (!forgotten) throw contended();
      current = forgotten;
      if (disabled) await discardKey(d, key.hash);
    }
    return { ok: true, value: await settled(await ensureAiKey(d, current)) };
  });
}

async function keyAction(
  deps: AdminDeps,
  request: KeyActionRequest & FromActor,
  action: AuditAction,
  act: Action,
): Promise<Outcome<KeyActionResult>> {
  const license = await findOneLicense(deps, request);
  if (!license) return refused('LICENSE_NOT_FOUND', 'No license matches.');
  const done = await act(deps, license);
  if (!done.ok) return done;
  const before = licenseState(deps, license);
  const after = licenseState(deps, done.value);
  await recordAudit(deps, {
    licenseHash: license.licenseHash,
    actor: request.actor,
    action,
    before,
    after,
    ...(request.reason ? { detail: { reason: request.reason } } : {}),
  });
  return { ok: true, value: { licenseHash: license.licenseHash, before, after } };
}

/** A refusal when the license may not be used now: no key is enabled or issued then (I2). */
function usableOrRefusal(deps: AdminDeps, license: LicenseRecord): Outcome<never> | undefined {
  const verdict = checkLicense(license, deps.clock.now(), 'validate');
  return verdict.ok ? undefined : refused(verdict.code, verdict.detail);
}

async function settled(result: Awaited<ReturnType<typeof ensureAiKey>>): Promise<LicenseRecord> {
  if ('changed' in result) throw contended();
  return result.license;
}

function contended(): UpstreamError {
  return new UpstreamError(
    'lemonsqueezy',
    'unavailable',
    'facts of this license changed meanwhile; try again.',
  );
}

import type { AiKey } from './license.ts';
import { shortHash } from './secrets.ts';

/**
 * The audit trail of operator actions: who did what to which license, when, and the state before
 * and after. Summaries only: a record never holds a license key, an AI token or an API key, so
 * the trail can be read by anyone who may read the table.
 */
export const AUDIT_ACTIONS = [
  // Automatic (actor `system:<function>`) as well as operators' where both apply.
  'key.issue',
  'device.release',
  'key.revoke',
  'key.enable',
  'key.rotate',
  'trial.reset',
  'device.deactivate',
  'license.sync',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A JSON-safe summary of state (numbers, strings, booleans, nulls, nested the same way). */
export type AuditState = Record<string, unknown>;

export interface AuditRecord {
  id: string;
  licenseHash: string;
  /**
   * An operator (the IAM principal ARN in AWS, `local-token` on the local server), or the function
   * that acted by itself (`system:ravn-validate`, …).
   */
  actor: string;
  action: AuditAction;
  at: string;
  before: AuditState;
  after: AuditState;
  /** What the request named besides the license (a device id, a claim), never a secret. */
  detail?: AuditState;
}

/** An AI key as a record shows it: its short hash and credit, never its token. */
export function keyState(key: AiKey | undefined): AuditState {
  if (!key) return { aiKey: null };
  return {
    aiKey: shortHash(key.hash),
    limit: key.limit,
    periodEnd: key.periodEnd,
    disabled: key.disabledAt !== undefined,
  };
}

/**
 * The audit trail of operator actions: who did what to which license, when, and the state before
 * and after. Summaries only: a record never holds a license key, an AI token or an API key, so
 * the trail can be read by anyone who may read the table.
 */
export const AUDIT_ACTIONS = [
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
  /** The IAM principal ARN in AWS, `local-token` on the local server. */
  actor: string;
  action: AuditAction;
  at: string;
  before: AuditState;
  after: AuditState;
  /** What the request named besides the license (a device id, a claim), never a secret. */
  detail?: AuditState;
}

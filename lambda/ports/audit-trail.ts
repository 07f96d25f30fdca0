import type { AuditAction, AuditState } from '#domain/audit.ts';

/** What an automatic action that changed money or seats tells the license's audit trail. */
export interface SystemAuditEntry {
  licenseHash: string;
  action: AuditAction;
  before: AuditState;
  after: AuditState;
  detail?: AuditState;
}

/**
 * The audit trail as the services write it: every automatic action that changes money (an AI
 * key issued, disabled or enabled again) or seats (a device released) is recorded with the
 * function that did it as the actor (`system:<function>`). Never a key or a token in a record.
 */
export interface AuditTrail {
  record(entry: SystemAuditEntry): Promise<void>;
}

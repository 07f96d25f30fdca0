import { shortHash } from '#domain/secrets.ts';
import type { AuditTrail, SystemAuditEntry } from '#ports/audit-trail.ts';
import type { Clock } from '#ports/clock.ts';
import type { ServiceLogger } from '#ports/logger.ts';
import type { DynamoDbAdminStore } from './admin-store.ts';

/**
 * Audit records of automatic actions, on the same trail (and item layout, and TTL) as the
 * operators' own. The action has already happened when it is recorded: a record that cannot be
 * written is logged as an error (the log keeps what the table lost), never turned into a failed
 * request that a retry would repeat.
 */
export class DynamoDbSystemAudit implements AuditTrail {
  constructor(
    private readonly store: DynamoDbAdminStore,
    private readonly actor: string,
    private readonly retentionDays: number,
    private readonly clock: Clock,
    private readonly logger: ServiceLogger,
  ) {}

  async record(entry: SystemAuditEntry): Promise<void> {
    try {
      await this.store.appendAudit(
        { actor: this.actor, ...entry },
        this.clock.now(),
        this.retentionDays,
      );
    } catch (error) {
      this.logger.error('audit record not written', {
        action: entry.action,
        license: shortHash(entry.licenseHash),
        reason: error instanceof Error ? error.name : typeof error,
      });
    }
  }
}

import type { DynamoDbAdminStore } from '#adapters/dynamodb/admin-store.ts';
import type { ServiceDeps } from '../service-deps.ts';

/** What the admin services need beyond the service's own dependencies. */
export interface AdminDeps extends ServiceDeps {
  admin: DynamoDbAdminStore;
  /** How long an audit record is kept (DynamoDB TTL). */
  auditRetentionDays: number;
}

/** Who asked: the IAM principal ARN in AWS, `local-token` on the local server. */
export interface FromActor {
  actor: string;
}

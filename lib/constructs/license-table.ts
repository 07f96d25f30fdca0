import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '#config/table.ts';

/**
 * The service's one table (licenses, trial claims, webhook deliveries, aliases), keyed as
 * `config/table.ts` says. It holds OpenRouter tokens and customer emails, so it is encrypted,
 * recoverable to any second of the last 35 days, and kept when the stack is deleted.
 */
export class LicenseTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Operators find trials by email (then read the item by its key); the service never queries
    // it. Keys only: with every attribute projected, each validate's usage-cache write would be
    // written twice (measured by `pnpm bench`), for an index nobody reads in a request.
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.emailIndex,
      partitionKey: { name: TABLE_KEYS.emailAttribute, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }
}

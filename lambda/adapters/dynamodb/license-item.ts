import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LicenseRecord } from '#domain/license.ts';
import { fromItem, isConditionFailure, licenseKey } from './items.ts';

/** The license item on the service's table: the read and the conditional update every write uses. */
export class LicenseItem {
  constructor(
    protected readonly documents: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async get(licenseHash: string): Promise<LicenseRecord | undefined> {
    const result = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: licenseKey(licenseHash),
        ConsistentRead: true,
      }),
    );
    return fromItem(result.Item);
  }

  /** An update that returns the new record, or undefined when its condition did not hold. */
  protected async conditionalUpdate(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues'>,
  ): Promise<LicenseRecord | undefined> {
    try {
      const result = await this.documents.send(
        new UpdateCommand({ ...input, TableName: this.tableName, ReturnValues: 'ALL_NEW' }),
      );
      return fromItem(result.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

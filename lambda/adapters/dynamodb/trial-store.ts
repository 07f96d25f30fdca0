import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { NewTrial, TrialStore } from '#ports/trial-store.ts';
import { deviceClaimKey, emailClaimKey, isCancelledByCondition, toItem } from './items.ts';

/** `TrialStore`: a trial and its two claims (email, device) on the service's table. */
export class DynamoDbTrialStore implements TrialStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async isTrialClaimed(email: string, instanceName: string): Promise<boolean> {
    const result = await this.documents.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: [emailClaimKey(email), deviceClaimKey(instanceName)],
            ConsistentRead: true,
            ProjectionExpression: 'pk',
          },
        },
      }),
    );
    return (result.Responses?.[this.tableName] ?? []).length > 0;
  }

  async createTrial(trial: NewTrial): Promise<boolean> {
    const claim = { licenseHash: trial.record.licenseHash, createdAt: trial.record.createdAt };
    const absent = 'attribute_not_exists(pk)';
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toItem(trial.record),
                ConditionExpression: absent,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...emailClaimKey(trial.email), ...claim },
                ConditionExpression: absent,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...deviceClaimKey(trial.instanceName), ...claim },
                ConditionExpression: absent,
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isCancelledByCondition(error)) return false;
      throw error;
    }
  }
}

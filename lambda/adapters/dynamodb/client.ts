import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbSettings {
  region: string;
  /** Set for DynamoDB Local; absent in AWS. */
  endpoint?: string;
}

/** One low-level client and its document wrapper, built once per cold start. */
export function createDynamoDbClients(settings: DynamoDbSettings): {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
} {
  const client = new DynamoDBClient({
    region: settings.region,
    ...(settings.endpoint
      ? {
          endpoint: settings.endpoint,
          // DynamoDB Local accepts any credentials; fixed ones keep it from searching for real ones.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { client, documents };
}

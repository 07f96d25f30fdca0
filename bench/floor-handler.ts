import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The cold-start floor (bench/bundles.ts builds it with our esbuild options): the least a
 * function of ours could be, a DocumentClient built at load and one strongly consistent GetItem
 * per call. Region, credentials and endpoint come from the environment, as Lambda gives them.
 */
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { key: Record<string, string> }) => {
  const { Item } = await documents.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: event.key, ConsistentRead: true }),
  );
  return Item === undefined ? { statusCode: 404 } : { statusCode: 200 };
};

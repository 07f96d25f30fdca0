import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DYNAMODB_CLIENT_DEFAULTS } from '#config/time-budget.ts';
import { ConflictRetryStrategy } from './retry-conflicts.ts';

export interface DynamoDbSettings {
  region: string;
  /** Set for DynamoDB Local; absent in AWS. */
  endpoint?: string | undefined;
  /** Defaults: DYNAMODB_CLIENT_DEFAULTS (config/time-budget.ts). */
  connectTimeoutMs?: number | undefined;
  requestTimeoutMs?: number | undefined;
  maxAttempts?: number | undefined;
}

/**
 * One low-level client and its document wrapper, built once per cold start. Every attempt is cut
 * off after the request timeout and retried by the SDK (a timeout counts as transient), up to
 * `maxAttempts`; the last failure surfaces as a `TimeoutError`, which the HTTP layer answers 503.
 */
export function createDynamoDbClients(settings: DynamoDbSettings): {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
} {
  const client = new DynamoDBClient({
    region: settings.region,
    maxAttempts: settings.maxAttempts ?? DYNAMODB_CLIENT_DEFAULTS.maxAttempts,
    // The SDK's own retries, conflicts included (nothing of a conflicting request was written).
    retryStrategy: new ConflictRetryStrategy(
      settings.maxAttempts ?? DYNAMODB_CLIENT_DEFAULTS.maxAttempts,
    ),
    // The options form: the SDK builds its own NodeHttpHandler from it, so nothing beyond the
    // SDK (which the Lambda runtime ships) is imported or bundled.
    requestHandler: {
      connectionTimeout: settings.connectTimeoutMs ?? DYNAMODB_CLIENT_DEFAULTS.connectTimeoutMs,
      requestTimeout: settings.requestTimeoutMs ?? DYNAMODB_CLIENT_DEFAULTS.requestTimeoutMs,
      // Recent handlers only log a request that outlives requestTimeout unless told to throw;
      // older ones (a runtime may ship one) treat requestTimeout as a socket idle timeout that
      // throws, and ignore this flag.
      throwOnRequestTimeout: true,
    },
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

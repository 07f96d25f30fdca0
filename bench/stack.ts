import { randomUUID } from 'node:crypto';
import { type AttributeValue, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients } from '#adapters/dynamodb/client.ts';
import { createActivateHandler } from '#handlers/activate.ts';
import { createValidateHandler } from '#handlers/validate.ts';
import type { ApiHandler } from '#http/run-route.ts';
import { jsonEvent } from '#local/api-event.ts';
import { type DynamoDbMeter, startDynamoDbMeter } from '#local/dynamodb-meter.ts';
import { type LocalStack, startLocalStack } from '#local/local-stack.ts';
import type { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import type { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';
import type { Clock } from '#ports/clock.ts';

export interface BenchStack extends LocalStack {
  lemonSqueezy: LemonSqueezyDouble;
  openRouter: OpenRouterDouble;
  tableName: string;
  /** A document client of our own, built like the service's, for the bare-GetItem floor. */
  documents: ReturnType<typeof createDynamoDbClients>['documents'];
  /** Handler instances on the stack's deps: the code the local server runs, minus HTTP. */
  activate: ApiHandler;
  validate: ApiHandler;
  /** Counts the service's DynamoDB requests and capacity, when started with `meter: true`. */
  meter: DynamoDbMeter | undefined;
  countItems(): Promise<number>;
  /** The stored item's size by DynamoDB's item-size rules (what RRU/WRU are billed on). */
  itemBytes(key: Record<string, string>): Promise<{ bytes: number; attributes: string[] }>;
}

export interface BenchStackOptions {
  clock?: Clock;
  /**
   * `off` (the default): no LemonSqueezy budget and no in-app rate limits. The latency and load
   * parts seed and activate hundreds of licenses in seconds of real time from one address: the
   * store-wide budget (a per-minute counter) would refuse most of it, and the load run's item
   * count must not include limiter counters (docs/rate-limits.md, its "LemonSqueezy budget" too).
   * `service`: the service's defaults, whose counter writes are part of what a validate costs;
   * the simulated days run so, their minutes being simulated ones.
   */
  limits?: 'off' | 'service';
  /** Put a DynamoDbMeter between the service and DynamoDB Local (not the bare-GetItem client). */
  meter?: boolean;
  /** More environment for the service (e.g. the original design's TTLs); wins over the above. */
  env?: Record<string, string>;
}

const LIMITS_OFF = { LEMONSQUEEZY_BUDGET_PER_MINUTE: '0', RATE_LIMITS: 'off' };

/** The service on a fresh table, logs off so that log formatting does not skew the timings. */
export async function startBenchStack(dynamoDbEndpoint: string, options: BenchStackOptions = {}) {
  const tableName = `bench-${randomUUID()}`;
  const meter = options.meter ? await startDynamoDbMeter(dynamoDbEndpoint) : undefined;
  const stack = await startLocalStack({
    dynamoDbEndpoint: meter?.endpoint ?? dynamoDbEndpoint,
    tableName,
    clock: options.clock,
    env: {
      LOG_LEVEL: 'SILENT',
      ...(options.limits === 'service' ? {} : LIMITS_OFF),
      ...options.env,
    },
  });
  const { client, documents } = createDynamoDbClients({
    region: 'us-east-1',
    endpoint: dynamoDbEndpoint,
  });
  const bench: BenchStack = {
    ...stack,
    lemonSqueezy: stack.lemonSqueezy as LemonSqueezyDouble,
    openRouter: stack.openRouter as OpenRouterDouble,
    tableName,
    documents,
    activate: createActivateHandler(stack.deps),
    validate: createValidateHandler(stack.deps),
    meter,
    countItems: async () => {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new ScanCommand({
            TableName: tableName,
            Select: 'COUNT',
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    },
    itemBytes: async (key) => {
      const result = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: Object.fromEntries(Object.entries(key).map(([name, s]) => [name, { S: s }])),
          ConsistentRead: true,
        }),
      );
      const item = result.Item ?? {};
      return { bytes: itemSize(item), attributes: Object.keys(item) };
    },
    close: async () => {
      await stack.close();
      await meter?.close();
      client.destroy();
    },
  };
  return bench;
}

/** The event a Lambda function URL delivers for a JSON POST (cf. lambda/local/server.ts). */

/** Calls a handler in-process and returns the status and parsed body. */
export async function invoke(handler: ApiHandler, path: string, body: unknown) {
  const result = await handler(jsonEvent(path, body), { awsRequestId: randomUUID() });
  if (typeof result === 'string') return { status: 200, body: JSON.parse(result) as unknown };
  return { status: result.statusCode ?? 200, body: JSON.parse(result.body ?? 'null') as unknown };
}

export type UpstreamCounts = Record<
  'lsValidate' | 'lsActivate' | 'lsSubscriptions' | 'orGet' | 'orCreate' | 'orUpdate' | 'orDelete',
  number
>;

export function upstreamCounts(stack: BenchStack): UpstreamCounts {
  const ls = stack.lemonSqueezy;
  const or = stack.openRouter;
  return {
    lsValidate: ls.callCount('validate'),
    lsActivate: ls.callCount('activate'),
    lsSubscriptions: ls.callCount('subscriptions'),
    orGet: or.callCount('get'),
    orCreate: or.callCount('create'),
    orUpdate: or.callCount('update'),
    orDelete: or.callCount('delete'),
  };
}

export function sumCounts(a: UpstreamCounts, b: UpstreamCounts): UpstreamCounts {
  const out = { ...a };
  for (const name of Object.keys(out) as Array<keyof UpstreamCounts>) out[name] += b[name];
  return out;
}

export function diffCounts(after: UpstreamCounts, before: UpstreamCounts): UpstreamCounts {
  const out = { ...after };
  for (const name of Object.keys(out) as Array<keyof UpstreamCounts>) out[name] -= before[name];
  return out;
}

/**
 * DynamoDB's item-size rules: attribute names count, strings by UTF-8 bytes, numbers about one
 * byte per two significant digits plus one, maps and lists 3 bytes plus 1 per element.
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item))
    bytes += Buffer.byteLength(name) + sizeOf(value);
  return bytes;
}

function sizeOf(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]|^0+/g, '').length / 2) + 1;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [name, inner]) => sum + Buffer.byteLength(name) + sizeOf(inner) + 1,
      3,
    );
  }
  if (value.L !== undefined) return value.L.reduce((sum, inner) => sum + sizeOf(inner) + 1, 3);
  return 0;
}

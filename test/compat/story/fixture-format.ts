import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { IssuedKey } from '#local/sandbox/openrouter-double.ts';
import type { SeedRecord, StoryHandles } from './story.ts';
import { STORY_DEPLOYMENT_ID, type StoryStack } from './story-stack.ts';

/**
 * A release's table after the compatibility story, as test/compat/fixtures/<ref>.json keeps it:
 * every item (sorted by key, object keys sorted, string sets as `{"$set": [...]}`), and what the
 * doubles held at the end, so a later release can seed them to match. The doubles' values are
 * the only secrets in it (sandbox license keys, OpenRouter tokens, trial keys), and the fixed
 * seed makes them the same on every run.
 */
export interface CompatFixture {
  ref: string;
  commit: string;
  generatedBy: string;
  /** The story's clock when it ended: where a reader of the fixture starts its own. */
  clockAt: string;
  deploymentId: string;
  handles: StoryHandles;
  lemonSqueezy: Array<SeedRecord & { now: LicenseSnapshot }>;
  openRouter: IssuedKey[];
  items: Array<Record<string, unknown>>;
}

export type LicenseSnapshot = ReturnType<StoryStack['lemonSqueezy']['snapshot']>;

type Story = Pick<CompatFixture, 'handles'> & { seeds: SeedRecord[] };

/** What the story left: its handles, the doubles' state and the table, in the fixture's form. */
export async function captureStory(
  stack: StoryStack,
  story: Story,
  dynamoDbEndpoint: string,
  tableName: string,
): Promise<Omit<CompatFixture, 'ref' | 'commit' | 'generatedBy'>> {
  return {
    clockAt: stack.clock.now().toISOString(),
    deploymentId: STORY_DEPLOYMENT_ID,
    handles: story.handles,
    lemonSqueezy: story.seeds.map((record) => ({
      ...record,
      now: stack.lemonSqueezy.snapshot(record.seeded.key),
    })),
    openRouter: stack.openRouter.keys(),
    items: (await scanTable(dynamoDbEndpoint, tableName)).map(encodeItem),
  };
}

/** Every item of a table, read consistently, sorted by key. */
export async function scanTable(
  endpoint: string,
  tableName: string,
): Promise<Array<Record<string, unknown>>> {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documents = DynamoDBDocumentClient.from(client);
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  const keyOf = (item: Record<string, unknown>) => `${item.pk}\u0000${item.sk}`;
  return items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** An item as JSON keeps it: object keys sorted, string sets spelt `{"$set": [sorted]}`. */
export function encodeItem(value: unknown): Record<string, unknown> {
  return encode(value) as Record<string, unknown>;
}

function encode(value: unknown): unknown {
  if (value instanceof Set) return { $set: [...value].map(String).sort() };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, encode(inner)]));
  }
  return value;
}

/** The item back as the document client writes it (string sets as Sets). */
export function decodeItem(value: Record<string, unknown>): Record<string, unknown> {
  return decode(value) as Record<string, unknown>;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const set = (value as { $set?: unknown }).$set;
    if (Array.isArray(set) && Object.keys(value).length === 1) return new Set(set);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, decode(inner)]));
  }
  return value;
}

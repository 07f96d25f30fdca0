import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CompatFixture } from '#test/compat/story/fixture-format.ts';
import type { Item } from '#test/helpers/compat-items.ts';
import { localDocumentClient } from '#test/helpers/local-documents.ts';
import { rememberSecretsOf } from '#test/helpers/secret-registry.ts';
import { startTestStack, type TestStack } from '#test/helpers/test-stack.ts';

/**
 * Today's service (a test stack: local server, handlers, DynamoDB Local, the doubles) on the
 * table a fixture holds: its clock where the fixture's story ended, the LemonSqueezy double seeded
 * with the same licenses in the same order (so they get the same ids) and the instances they had,
 * the OpenRouter double holding the same keys, and the items written as they are, past our code.
 * The store-wide LemonSqueezy budget is on, so today's counting meets the fixture's counters.
 */
export async function startFixtureStack(
  fixture: CompatFixture,
  items: Item[] = fixture.items,
): Promise<TestStack> {
  const stack = await startTestStack({
    DEPLOYMENT_ID: fixture.deploymentId,
    LEMONSQUEEZY_BUDGET_PER_MINUTE: '50',
  });
  stack.clock.set(fixture.clockAt);
  for (const { seed, seeded, now } of fixture.lemonSqueezy) {
    const subscription = now.subscription && {
      status: now.subscription.status,
      renewsAt: now.subscription.renewsAt,
      endsAt: now.subscription.endsAt,
      pause: now.subscription.pause,
    };
    const again = stack.lemonSqueezy.addLicense({
      ...seed,
      key: seeded.key,
      status: now.status,
      activationLimit: now.activationLimit,
      instances: now.instances,
      ...(subscription ? { subscription } : {}),
    });
    if (JSON.stringify(again) !== JSON.stringify(seeded)) {
      throw new Error(
        `the double seeded ${JSON.stringify(again)}, the fixture ${JSON.stringify(seeded)}`,
      );
    }
  }
  for (const key of fixture.openRouter) stack.openRouter.restoreKey(key);
  rememberSecretsOf({ licenseKey: fixture.handles.trial.key });
  await writeItems(stack.tableName, items);
  return stack;
}

/** Writes items as they are, with a client of its own: nothing of ours touches them. */
export async function writeItems(tableName: string, items: Item[]): Promise<void> {
  const documents = localDocumentClient();
  try {
    for (let start = 0; start < items.length; start += 25) {
      const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      let pending: typeof batch | undefined = batch;
      while (pending && pending.length > 0) {
        const result = await documents.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
        );
        pending = result.UnprocessedItems?.[tableName] as typeof batch | undefined;
      }
    }
  } finally {
    documents.destroy();
  }
}

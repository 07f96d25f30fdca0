import { writeFileSync } from 'node:fs';
import { seedNodeCrypto } from './seeded-crypto.ts';

/**
 * Runs the compatibility story once on this checkout's code and writes what it left to the file
 * named by the first argument (scripts/compat-fixture.ts runs it inside a tagged release's
 * worktree). Randomness is seeded before anything else loads, so every run writes the same file.
 */
seedNodeCrypto('ravn-activate compatibility story');
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const out = process.argv[2];
if (!out) throw new Error('usage: story-main.ts <output.json>');

const { startDynamoDbLocal } = await import('#local/dynamodb-local.ts');
const { startStoryStack } = await import('./story-stack.ts');
const { runStory } = await import('./story.ts');
const { captureStory } = await import('./fixture-format.ts');

const tableName = 'compat-story';
const dynamoDb = await startDynamoDbLocal();
try {
  const stack = await startStoryStack({ dynamoDbEndpoint: dynamoDb.endpoint, tableName });
  try {
    const story = await runStory(stack);
    const captured = await captureStory(stack, story, dynamoDb.endpoint, tableName);
    writeFileSync(out, `${JSON.stringify(captured)}\n`);
  } finally {
    await stack.close();
  }
} finally {
  await dynamoDb.stop();
}

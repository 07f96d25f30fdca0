import { startLocalStack } from '#local/local-stack.ts';
import type { ChildConfig } from '#test/helpers/crash-child-process.ts';

/**
 * One instance of the service in a process of its own, for the crash tests
 * (test/helpers/crash-stack.ts): the handlers behind the local HTTP server, exactly as `pnpm start`
 * runs them, on the table, DynamoDB endpoint (the test's fault proxy) and upstream base URLs (the
 * test's doubles) it is given in `CRASH_CHILD` (JSON). The test kills it with SIGKILL mid-request
 * and starts another on the same table.
 *
 * The clock is the real one, shifted by an offset the test sets (`clockOffsetMs`, changed later
 * over IPC and acknowledged): the doubles in the test process read the same shifted time, so
 * moving it is the whole world moving on (a retry after the activation lease, a period ending)
 * without a test waiting for it in real time.
 */
const config = JSON.parse(process.env.CRASH_CHILD ?? '{}') as ChildConfig;
let offset = config.clockOffsetMs;

process.on('message', (message: { clockOffsetMs?: unknown }) => {
  if (typeof message?.clockOffsetMs !== 'number') return;
  offset = message.clockOffsetMs;
  process.send?.({ clockOffsetMs: offset });
});
// The test process went away (or closed the channel): an instance nobody can reach ends itself.
process.on('disconnect', () => process.exit(0));

const stack = await startLocalStack({
  dynamoDbEndpoint: config.dynamoDbEndpoint,
  tableName: config.tableName,
  env: config.env,
  clock: { now: () => new Date(Date.now() + offset) },
});
process.send?.({ url: stack.url });

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { productsConfig } from '#config/products.ts';
import { reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { releaseIdleDevices } from '#services/release-idle-devices.ts';
import { signingKeyIn } from './data-dir.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { startLocalStack } from './local-stack.ts';
import { seedSandboxLicenses } from './sandbox/seed.ts';
import { removeServerState, stateFileOf, writeServerState } from './server-state.ts';
import { startBanner } from './start-banner.ts';

/**
 * What `pnpm start` runs once its port is known to be free (lambda/local/start.ts): DynamoDB
 * Local, the table, the sandboxes and the handlers on `port`. Each thing started is handed to
 * `started` at once, so that a failure or a signal at any point stops what is already running.
 */
export async function runLocalService(
  port: number,
  started: (stop: () => Promise<unknown> | unknown) => void,
  portInUseError: (port: number) => Promise<Error>,
): Promise<void> {
  const dataDir = process.env.RAVN_LOCAL_DATA_DIR;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The table outlives a restart in RAVN_LOCAL_DATA_DIR; so must the key its leases were signed with.
  if (dataDir && !env.SIGNING_KEY && !env.SIGNING_KEY_PARAM) {
    env.SIGNING_KEY = signingKeyIn(dataDir, new Date());
  }
  // One EMF line per request would bury the request log; Powertools' own switch brings them back.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const metricsShown = !/^(1|true|yes|on)$/i.test(process.env.POWERTOOLS_METRICS_DISABLED);

  const dynamoDb = await startDynamoDbLocal({ dataDir });
  started(() => dynamoDb.stop());
  const stack = await startLocalStack({
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName: process.env.TABLE_NAME ?? 'ravn-activate-local',
    port,
    env,
  }).catch(async (error: NodeJS.ErrnoException) => {
    // Taken in the seconds DynamoDB Local took to start.
    throw error.code === 'EADDRINUSE' ? await portInUseError(port) : error;
  });
  started(() => stack.close());
  const keys = stack.lemonSqueezy
    ? seedSandboxLicenses(stack.lemonSqueezy, productsConfig, new Date())
    : [];
  const base = stack.url.replace('127.0.0.1', 'localhost');

  const stateFile = stateFileOf(process.env);
  writeServerState(stateFile, {
    pid: process.pid,
    url: base,
    adminToken: stack.adminToken,
    ...(stack.lemonSqueezy ? { lemonSqueezyUrl: stack.lemonSqueezy.url } : {}),
  });
  started(() => removeServerState(stateFile));

  // In AWS a schedule runs the reaper's sweeps (ravn-reaper); locally a timer does, but only
  // against the sandboxes: pointed at real accounts, a laptop's reaper has no business deleting
  // keys or freeing seats (I6; key names carry a deployment id besides, so it could not touch a
  // stack's).
  const reaper = stack.openRouter
    ? setInterval(() => {
        reapOrphanKeys(stack.deps).catch(() => undefined);
        if (stack.lemonSqueezy) releaseIdleDevices(stack.deps).catch(() => undefined);
      }, 60_000)
    : undefined;
  reaper?.unref();

  const repeatable = process.stdin.isTTY === true;
  const banner = startBanner({
    base,
    dynamoDbEndpoint: dynamoDb.endpoint,
    dataDir,
    lemonSqueezyUrl: stack.lemonSqueezy?.url,
    openRouterUrl: stack.openRouter?.url,
    rateLimits: stack.deps.policy.rateLimits.enabled,
    metricsShown,
    adminToken: stack.adminToken,
    keys,
    // The only shape a trial accepts by default.
    device: randomBytes(32).toString('hex'),
    repeatable,
  });
  // Last, once everything is up, so nothing of the start scrolls it away.
  process.stdout.write(banner);
  // The request log scrolls it away in time: Enter prints it again.
  if (repeatable) process.stdin.on('data', () => process.stdout.write(banner));
}

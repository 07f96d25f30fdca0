import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { productsConfig } from '#config/products.ts';
import { reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import { releaseIdleDevices } from '#services/release-idle-devices.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { startLocalStack } from './local-stack.ts';
import { seedSandboxLicenses } from './sandbox/seed.ts';

/**
 * `pnpm start`: DynamoDB Local (in memory, or on disk under RAVN_LOCAL_DATA_DIR), the table,
 * sandbox LemonSqueezy/OpenRouter servers unless LEMONSQUEEZY_BASE_URL/OPENROUTER_BASE_URL are
 * set, and the handlers on http://localhost:${PORT:-3000}.
 */
async function main(): Promise<void> {
  const dataDir = process.env.RAVN_LOCAL_DATA_DIR;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamoDb = await startDynamoDbLocal({ dataDir });
  const stack = await startLocalStack({
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName: process.env.TABLE_NAME ?? 'ravn-activate-local',
    port: Number(process.env.PORT ?? 3000),
    env: process.env,
  });
  const keys = stack.lemonSqueezy
    ? seedSandboxLicenses(stack.lemonSqueezy, productsConfig, new Date())
    : [];
  const base = stack.url.replace('127.0.0.1', 'localhost');
  // A device id shaped as RAVN Mail sends one (64 hex): the only shape a trial accepts by default.
  const device = randomBytes(32).toString('hex');
  const curl = (path: string, body: unknown) =>
    `curl -s ${base}${path} -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;

  const lines = [
    '',
    `ravn-activate is running at ${base}/v1/...`,
    `  DynamoDB Local: ${dynamoDb.endpoint} (${dataDir ? `data in ${dataDir}` : 'in memory'})`,
    `  LemonSqueezy:   ${stack.lemonSqueezy ? `sandbox at ${stack.lemonSqueezy.url}` : 'real (LEMONSQUEEZY_BASE_URL)'}`,
    `  OpenRouter:     ${stack.openRouter ? `sandbox at ${stack.openRouter.url}` : 'real (OPENROUTER_BASE_URL)'}`,
    // On by default here too: a sixth trial from this machine within the hour gets 429.
    `  Rate limits:    ${stack.deps.policy.rateLimits.enabled ? 'on (RATE_LIMITS=off turns them off)' : 'off'}`,
    '',
    'Sandbox license keys (one per plan in config/products.json):',
    ...keys.map((key) => `  ${key.product}/${key.variant} (${key.aiMode}): ${key.licenseKey}`),
    '',
    'Try it:',
    `  ${curl('/v1/trial', { instanceName: device, email: 'you@example.com', name: 'Your Name' })}`,
    ...keys.map(
      (key) => `  ${curl('/v1/activate', { instanceName: device, licenseKey: key.licenseKey })}`,
    ),
    ...keys.slice(0, 1).map((key) => `  ${curl('/v1/validate', { licenseKey: key.licenseKey })}`),
    ...keys
      .slice(0, 1)
      .map(
        (key) =>
          `  pnpm webhook:send license_key_updated --set data.attributes.key=${key.licenseKey} --set data.attributes.status=disabled`,
      ),
    '',
    `Admin API (POST ${base}/admin/...; see README, "Operators: admin API and CLI"):`,
    `  export RAVN_ADMIN_URL=${base} RAVN_ADMIN_TOKEN=${stack.adminToken}`,
    ...keys.slice(0, 1).map((key) => `  pnpm admin license show --license-key ${key.licenseKey}`),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

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

  const stop = async () => {
    await stack.close();
    await dynamoDb.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

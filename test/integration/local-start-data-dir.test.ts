import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SIGNING_KEY_FILE } from '#local/data-dir.ts';
import { type Jwk, verifyLease } from '#test/helpers/lease.ts';
import {
  removeTempDirs,
  type StartedProcess,
  spawnStart,
  stopLeftovers,
  tempDir,
} from '#test/helpers/local-start.ts';

/** The base URL and the SaaS sandbox key a `pnpm start` printed. */
function printed(start: StartedProcess) {
  const output = start.output();
  return {
    base: /running at (\S+)\/v1\//.exec(output)?.[1] ?? '',
    saasKey: /\(saas\): (\S+)/.exec(output)?.[1] ?? '',
  };
}

describe('pnpm start with RAVN_LOCAL_DATA_DIR', () => {
  const dataDir = join(tempDir('data'), '.ravn-data');
  afterAll(() => {
    stopLeftovers(dataDir);
    removeTempDirs();
  });

  it('keeps the signing key too, so a lease issued before a restart verifies after it', async () => {
    // Prepare: a lease from a first run.
    const first = spawnStart({ PORT: '0', RAVN_LOCAL_DATA_DIR: dataDir });
    await first.ready();
    const { base, saasKey } = printed(first);
    const activated = await fetch(`${base}/v1/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instanceName: randomBytes(32).toString('hex'), licenseKey: saasKey }),
    });
    const { lease } = (await activated.json()) as { lease: string };
    await first.stop();

    // Act: a second run over the same folder.
    const second = spawnStart({ PORT: '0', RAVN_LOCAL_DATA_DIR: dataDir });
    await second.ready();
    const keys = await fetch(`${printed(second).base}/v1/keys`);
    const jwks = (await keys.json()) as { keys: Jwk[] };
    await second.stop();

    // Assess
    expect(activated.status).toBe(200);
    expect(() => verifyLease(lease, jwks)).not.toThrow();
    expect(statSync(join(dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});

describe('pnpm start and DynamoDB Local telemetry', () => {
  afterAll(removeTempDirs);

  it('runs DynamoDB Local with telemetry off: no dynamodb-local-metadata.json where it runs', async () => {
    // Prepare: a working directory of its own, where DynamoDB Local writes that file if at all.
    const cwd = tempDir('cwd');
    const start = spawnStart({ PORT: '0' }, { cwd });

    // Act
    await start.ready();
    const code = await start.stop();

    // Assess
    expect(code).toBe(0);
    expect(existsSync(join(cwd, 'dynamodb-local-metadata.json'))).toBe(false);
  });
});

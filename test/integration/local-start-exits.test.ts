import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '#local/dynamodb-local.ts';
import {
  dynamoDbLocalProcesses,
  eventually,
  removeTempDirs,
  spawnStart,
  stopLeftovers,
  tempDir,
} from '#test/helpers/local-start.ts';

// Each run keeps its table in a folder of its own: the folder's path, on DynamoDB Local's command
// line, tells that run's JVM from any other on the machine.
const markers: string[] = [];
function dataDir(): string {
  const dir = tempDir('data');
  markers.push(dir);
  return dir;
}

afterEach(() => {
  for (const marker of markers.splice(0)) stopLeftovers(marker);
});
afterAll(removeTempDirs);

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('pnpm start, on its ways out', () => {
  it('refuses a taken PORT before DynamoDB Local starts, with a hint naming a free port', async () => {
    // Prepare
    const port = await findFreePort();
    const other = await occupy(port);
    const dir = dataDir();

    // Act
    const start = spawnStart({ PORT: String(port), RAVN_LOCAL_DATA_DIR: dir });
    const code = await start.exited;
    other.close();

    // Assess: refused before DynamoDB Local started (about 0.5 s; no time asserted).
    expect(code).toBe(1);
    expect(start.output()).toMatch(
      new RegExp(
        `could not start: port ${port} is in use; set PORT=\\d+ pnpm start, or stop the other server\\n$`,
      ),
    );
    expect(dynamoDbLocalProcesses(dir)).toEqual([]);
  });

  it('stops DynamoDB Local when the start fails after starting it', async () => {
    // Prepare: a setting the service refuses at load, after DynamoDB Local is up.
    const dir = dataDir();

    // Act
    const start = spawnStart({ PORT: '0', RAVN_LOCAL_DATA_DIR: dir, RATE_LIMIT_TRIAL: 'often' });
    const code = await start.exited;

    // Assess
    expect(code).toBe(1);
    expect(start.output()).toContain('could not start:');
    expect(start.output()).toContain('RATE_LIMIT_TRIAL');
    expect(await eventually(() => dynamoDbLocalProcesses(dir).length === 0, 10_000)).toBe(true);
  });

  it('stops DynamoDB Local when SIGTERM arrives while it is starting', async () => {
    // Prepare
    const dir = dataDir();
    const start = spawnStart({ PORT: '0', RAVN_LOCAL_DATA_DIR: dir });
    const jvmStarted = await eventually(() => dynamoDbLocalProcesses(dir).length > 0, 30_000);

    // Act
    await start.stop();

    // Assess
    expect(jvmStarted).toBe(true);
    expect(await eventually(() => dynamoDbLocalProcesses(dir).length === 0, 10_000)).toBe(true);
  });

  it('stops DynamoDB Local and removes its state file on SIGTERM once running', async () => {
    // Prepare
    const dir = dataDir();
    const stateFile = `${tempDir('state')}/server.json`;
    const start = spawnStart({
      PORT: '0',
      RAVN_LOCAL_DATA_DIR: dir,
      RAVN_LOCAL_STATE_FILE: stateFile,
    });
    await start.ready();
    const notedWhileRunning = existsSync(stateFile);

    // Act
    const code = await start.stop();

    // Assess
    expect(code).toBe(0);
    expect(notedWhileRunning).toBe(true);
    expect(existsSync(stateFile)).toBe(false);
    expect(await eventually(() => dynamoDbLocalProcesses(dir).length === 0, 10_000)).toBe(true);
  });
});

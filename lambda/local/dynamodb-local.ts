import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A running DynamoDB Local (AWS's own emulator) and how to stop it. */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port?: number;
  /** Folder for a persistent database; in memory when absent. */
  dataDir?: string;
}

/**
 * Starts DynamoDB Local from the jar shipped inside the `amplify-dynamodb-simulator` npm package
 * (the only registry package that carries the jar rather than downloading it at install time).
 * Needs `java` (17+) on PATH.
 */
export async function startDynamoDbLocal(
  options: DynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> {
  const require = createRequire(import.meta.url);
  const emulatorDir = join(
    dirname(require.resolve('amplify-dynamodb-simulator/package.json')),
    'emulator',
  );
  const port = options.port ?? (await findFreePort());
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulatorDir, 'DynamoDBLocal.jar'),
      ...storage,
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Telemetry off. The jar (1.25.1) parses -disableTelemetry but decides by this variable
      // alone: without it, it reports to AWS and writes dynamodb-local-metadata.json (an
      // installation id) into the working directory, i.e. into the checkout.
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    },
  );
  stopWithThisProcess(child);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, endpoint);
  return { endpoint, stop: () => stopChild(child) };
}

/**
 * The JVM (~200 MB) is no child Node stops on its way out: whatever ends this process
 * (`process.exit` after a failed start, an uncaught error), the JVM is told to stop with it.
 */
function stopWithThisProcess(child: ChildProcess): void {
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.on('exit', stop);
  child.once('exit', () => process.off('exit', stop));
}

async function waitUntilReady(child: ChildProcess, endpoint: string): Promise<void> {
  let exited: string | undefined;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.once('exit', (code) => {
    exited = `DynamoDB Local exited with code ${code}: ${stderr.slice(-500)}`;
  });
  child.once('error', (error) => {
    exited = `DynamoDB Local could not start (is java installed?): ${error.message}`;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (await answersListTables(endpoint)) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stopChild(child);
  throw new Error('DynamoDB Local did not become ready within 60 s');
}

async function answersListTables(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        // DynamoDB Local checks that a SigV4-shaped header is present, not that it is valid.
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
      signal: AbortSignal.timeout(1_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // A JVM that has not stopped within seconds of SIGTERM (a loaded machine, a stuck shutdown
    // hook) is killed: a way out that waits on it for ever leaves `pnpm start` hanging.
    const kill = setTimeout(() => child.kill('SIGKILL'), JVM_STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** How long the JVM gets to stop on SIGTERM before SIGKILL. */
const JVM_STOP_GRACE_MS = 5_000;

/** Asks the OS for a free TCP port on loopback. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

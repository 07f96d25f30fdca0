import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The checkout's root: the CLIs and `pnpm start` run from it, as `pnpm` runs them. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// By file URL, so that a child may run in another working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const madeDirs: string[] = [];

/** A fresh empty folder under the system's temp dir (`removeTempDirs` removes it). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ravn-${prefix}-`));
  madeDirs.push(dir);
  return dir;
}

/** Removes the folders `tempDir` made: a test file's `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A `pnpm start` (lambda/local/start.ts) running as a child process, and what it printed. */
export interface StartedProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Resolves once the banner is printed; rejects if the process ends first. */
  ready(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | string>;
}

/**
 * Runs `pnpm start` with `env` over the test's environment, and its state file in a temp folder
 * unless `env` names one, so a developer's running server is never touched.
 */
export function spawnStart(env: NodeJS.ProcessEnv, options: { cwd?: string } = {}): StartedProcess {
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(REPO_ROOT, 'lambda/local/start.ts')],
    {
      cwd: options.cwd ?? REPO_ROOT,
      env: {
        ...process.env,
        RAVN_LOCAL_STATE_FILE: join(tempDir('state'), 'server.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const ready = () =>
    new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (output.includes('Ctrl-C stops everything.')) {
          clearInterval(timer);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearInterval(timer);
          reject(new Error(`pnpm start exited: ${output}`));
        }
      }, 100);
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { child, output: () => output, exited, ready, stop };
}

/** The process ids of DynamoDB Local JVMs whose command line holds `marker` (e.g. a data dir). */
export function dynamoDbLocalProcesses(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (command.includes('DynamoDBLocal.jar') && command.includes(marker)) pids.push(+entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Waits until `check` holds, up to `ms`; answers whether it did. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

/** Stops JVMs a failing run left behind: each by its id, and only those of this marker. */
export function stopLeftovers(marker: string): void {
  for (const pid of dynamoDbLocalProcesses(marker)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone meanwhile.
    }
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<script>` as `pnpm` would (tsx, from the checkout) and collects what it said. */
export function runCli(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, join(REPO_ROOT, 'scripts', script), ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          RAVN_LOCAL_STATE_FILE: join(tempDir('state'), 'server.json'),
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

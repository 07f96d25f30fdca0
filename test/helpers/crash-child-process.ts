import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { type HttpResult, httpResult } from '#test/helpers/test-stack.ts';

/*
 * The service's instances for the crash tests: test/helpers/crash-child.ts bundled once per
 * test file, each instance a process of its own that a test can SIGKILL.
 */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD_BUNDLE = join(tmpdir(), `ravn-crash-child-${process.pid}.mjs`);

/**
 * Our own modules find files beside them (the edge function's source, package.json) through
 * `import.meta.url`: in the bundle each keeps its own source file's URL.
 */
const ownUrls: Plugin = {
  name: 'own-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?ts$/ }, async ({ path }) => {
      if (path.includes('/node_modules/')) return undefined;
      const source = await readFile(path, 'utf8');
      const url = JSON.stringify(pathToFileURL(path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * Bundles test/helpers/crash-child.ts and the service with esbuild, as the functions are deployed
 * (one ESM file, the SDK inside): a child then starts in about a second instead of the several
 * that loading thousands of modules through tsx takes on two busy cores. Once per test file.
 */
export async function buildCrashChild(): Promise<void> {
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['test/helpers/crash-child.ts'],
    outfile: CHILD_BUNDLE,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    plugins: [ownUrls],
    // Some dependencies are CommonJS: they `require` Node's modules, and TypeScript's parser (the
    // local CloudFront Function check) reads `__filename`, which an ES module does not define.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const __filename = import.meta.filename; const __dirname = import.meta.dirname;",
    },
    logLevel: 'warning',
  });
}

/** Deletes the bundle (after the file's tests). */
export function removeCrashChild(): void {
  rmSync(CHILD_BUNDLE, { force: true });
}

/** The answer a client gets from a request whose instance died: none (status 0). */
export const NO_ANSWER: HttpResult = { status: 0, body: {}, text: 'no answer', headers: {} };

/** One instance of the service in its own process (test/helpers/crash-child.ts). */
export interface CrashChild {
  url: string;
  process: ChildProcess;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** SIGKILL, and waits until the process is gone. */
  kill(): Promise<void>;
}

/** What an instance is started with (test/helpers/crash-child.ts reads it). */
export interface ChildConfig {
  dynamoDbEndpoint: string;
  tableName: string;
  env: Record<string, string>;
  clockOffsetMs: number;
}

/**
 * Starts an instance and waits until it listens; it is in `children` until killed (or until it
 * failed to start, which throws with the end of its stderr).
 */
export async function spawnChild(
  config: ChildConfig,
  children: Set<CrashChild>,
): Promise<CrashChild> {
  const proc = spawn(process.execPath, [CHILD_BUNDLE], {
    cwd: REPO_ROOT,
    // BUILD_COMMIT spares each instance a `git rev-parse` (GET /health's commit).
    env: { ...process.env, BUILD_COMMIT: 'crash-test', CRASH_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // Its logs join this process's output, where the per-file log check reads them.
  let tail = '';
  proc.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  proc.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  const child: CrashChild = {
    url: '',
    process: proc,
    post: (path, body, headers) => postTo(child.url, path, body, headers),
    // Synchronous up to the kill: a caller that does not wait has still killed it.
    kill: async () => {
      children.delete(child);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  children.add(child);
  child.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start in 30 s')), 30_000);
    proc.on('message', (message: { url?: string }) => {
      if (typeof message?.url !== 'string') return;
      clearTimeout(timer);
      resolve(message.url);
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the service exited while starting (${code ?? signal}): ${tail}`));
    });
  }).catch(async (error) => {
    await child.kill();
    throw error;
  });
  return child;
}

/** Sets an instance's clock offset and waits for its acknowledgement (or its death). */
export function setChildClock(child: CrashChild, clockOffsetMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const acknowledged = (message: { clockOffsetMs?: number }) => {
      if (message?.clockOffsetMs !== clockOffsetMs) return;
      child.process.off('message', acknowledged);
      resolve();
    };
    child.process.on('message', acknowledged);
    child.process.once('exit', () => resolve());
    if (child.process.connected) child.process.send({ clockOffsetMs });
    else resolve();
  });
}

/** A POST to an instance; no answer at all (the instance died) is `NO_ANSWER`. */
async function postTo(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return httpResult(response.status, text, Object.fromEntries(response.headers.entries()));
  } catch {
    return NO_ANSWER;
  }
}

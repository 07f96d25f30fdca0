import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/**
 * Where `pnpm start` notes where it runs (`.ravn-local/server.json`, ignored by git), so that
 * `pnpm admin` and `pnpm webhook:send` reach the server on whatever port it got, with its admin
 * token, and point events at its sandbox licenses. `RAVN_LOCAL_STATE_FILE` moves it (the tests
 * do, so they never touch a developer's running server).
 */
export const DEFAULT_STATE_FILE = fileURLToPath(
  new URL('../../.ravn-local/server.json', import.meta.url),
);

const serverStateSchema = z.object({
  pid: z.number().int().positive(),
  /** The base URL, `http://localhost:<port>`. */
  url: z.url(),
  /** The local admin API's bearer token; the file is the user's alone (0600). */
  adminToken: z.string().min(1),
  /** The sandbox LemonSqueezy's URL; absent when the server talks to the real one. */
  lemonSqueezyUrl: z.url().optional(),
});

export type LocalServerState = z.infer<typeof serverStateSchema>;

export function stateFileOf(env: NodeJS.ProcessEnv): string {
  return env.RAVN_LOCAL_STATE_FILE || DEFAULT_STATE_FILE;
}

/** Writes the state whole (a rename), readable by this user only. */
export function writeServerState(file: string, state: LocalServerState): void {
  mkdirSync(dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(draft, file);
}

/** The running server's state; undefined when there is none, or its process is gone. */
export function readServerState(file: string): LocalServerState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = serverStateSchema.safeParse(json);
  return parsed.success && processAlive(parsed.data.pid) ? parsed.data : undefined;
}

/** Removes the state if it is still this process's (another `pnpm start` may have replaced it). */
export function removeServerState(file: string, pid: number = process.pid): void {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    if (json.pid === pid) rmSync(file, { force: true });
  } catch {
    // Nothing there, or not ours to remove.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

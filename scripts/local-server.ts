import { type LocalServerState, readServerState, stateFileOf } from '#local/server-state.ts';

/** The server `pnpm start` runs on this machine, if one runs (it notes its URL and token). */
export function runningLocalServer(env: NodeJS.ProcessEnv): LocalServerState | undefined {
  return readServerState(stateFileOf(env));
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What to say when `url` could not be reached. A local URL nobody listens on is a server not
 * started (or started on another port), which "fetch failed" does not say.
 */
export function unreachableMessage(url: string, error: unknown): string {
  const target = new URL(url);
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  if (LOOPBACK.has(target.hostname) && cause === 'ECONNREFUSED') {
    return `no local server at ${target.origin} — start it with pnpm start`;
  }
  const reason = typeof cause === 'string' ? cause : error instanceof Error ? error.message : error;
  return `could not reach ${target.origin}: ${String(reason)}`;
}

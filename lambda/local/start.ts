import { nextFreePort, portInUse } from './port-in-use.ts';

/**
 * `pnpm start`: DynamoDB Local (in memory, or on disk under RAVN_LOCAL_DATA_DIR with the lease
 * signing key beside it), the table, sandbox LemonSqueezy/OpenRouter servers unless
 * LEMONSQUEEZY_BASE_URL/OPENROUTER_BASE_URL are set, and the handlers on
 * http://localhost:${PORT:-3000} (lambda/local/local-service.ts). Every way out (Ctrl-C,
 * SIGTERM, SIGHUP, a failed start) stops what was started, DynamoDB Local's JVM first of all.
 */

/** What to undo on the way out, in the order it was started. */
const started: Array<() => Promise<unknown> | unknown> = [];
let exiting = false;

/** How long one stop may take on the way out; the JVM's exit hook still follows process.exit. */
const STOP_TIMEOUT_MS = 10_000;

async function exit(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    for (const stop of started.reverse()) {
      const stopped = Promise.resolve(stop()).catch(() => undefined);
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS))]);
    }
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // A second signal while stopping ends at once; DynamoDB Local's exit hook still stops the JVM.
  process.on(signal, () => (exiting ? process.exit(1) : void exit(0)));
}

class StartError extends Error {}

async function main(): Promise<void> {
  const port = portOf(process.env.PORT);
  // Checked before anything starts, and before the service's modules load: a port in use is the
  // commonest first-run failure, and finding it takes milliseconds where DynamoDB Local takes
  // seconds to start.
  if (port !== 0 && (await portInUse(port))) throw await portInUseError(port);
  const { runLocalService } = await import('./local-service.ts');
  await runLocalService(port, (stop) => started.push(stop), portInUseError);
}

function portOf(raw: string | undefined): number {
  const port = Number(raw ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StartError(
      `PORT must be a port number (0 to 65535, 0 for any free one), not '${raw}'`,
    );
  }
  return port;
}

async function portInUseError(port: number): Promise<StartError> {
  const free = await nextFreePort(port);
  const instead = free ? `set PORT=${free} pnpm start` : 'set PORT to a free port';
  return new StartError(`port ${port} is in use; ${instead}, or stop the other server`);
}

main().catch(async (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`could not start: ${message}\n`);
  await exit(1);
});

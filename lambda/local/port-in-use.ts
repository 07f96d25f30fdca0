import { createServer } from 'node:net';

/**
 * Whether something already listens on `port` on loopback, IPv4 or IPv6: the local server
 * listens on 127.0.0.1, and a client asking for `localhost` may try ::1 first, where another
 * server would answer in its place.
 */
export async function portInUse(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '::1']) {
    if (await refused(port, host)) return true;
  }
  return false;
}

function refused(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    // Another error (no IPv6 here, say) is not a server in the way.
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** The first port after `port` that nothing listens on, to suggest instead (up to 20 tried). */
export async function nextFreePort(port: number): Promise<number | undefined> {
  for (let candidate = port + 1; candidate <= Math.min(port + 20, 65_535); candidate += 1) {
    if (!(await portInUse(candidate))) return candidate;
  }
  return undefined;
}

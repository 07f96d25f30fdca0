import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { type JsonReply, sendJson } from './http-io.ts';

export type Fault =
  // Answer this status: the JSON body given, or the upstream's own error shape for that status.
  | { kind: 'status'; status: number; body?: unknown }
  // Accept the request and never answer: the socket stays open until the client aborts or close().
  | { kind: 'timeout' }
  // 502 with an HTML body, like a proxy or CDN error page in front of the upstream.
  | { kind: 'non-json' }
  // Drop the connection without answering (ECONNRESET at the client).
  | { kind: 'reset' }
  // Answer normally, after delayMs.
  | { kind: 'slow'; delayMs: number };

interface PlannedFault {
  fault: Fault;
  remaining: number;
}

/**
 * Faults queued per route and played back in the order they were injected, so a test can script
 * "a 503, then a timeout, then normal answers". An entry with `times: Infinity` stays at the head
 * of its queue (faults injected after it never play) until clear().
 */
export class FaultPlan<Route extends string> {
  readonly #queues = new Map<Route, PlannedFault[]>();

  inject(route: Route, fault: Fault, options: { times?: number } = {}): void {
    const times = options.times ?? 1;
    if (!(times >= 1)) throw new RangeError(`times must be >= 1 or Infinity, got ${times}`);
    const queue = this.#queues.get(route) ?? [];
    queue.push({ fault, remaining: times });
    this.#queues.set(route, queue);
  }

  clear(route?: Route): void {
    if (route === undefined) this.#queues.clear();
    else this.#queues.delete(route);
  }

  /** The fault to play on this request to `route`, if any; consumes one use. */
  take(route: Route): Fault | undefined {
    const queue = this.#queues.get(route);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }
}

const PROXY_ERROR_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
`;

/**
 * Plays a fault on a response. Resolves true when the fault took care of the request (answered it,
 * or deliberately never will), false when the double should go on and answer normally ('slow').
 * `errorReply` gives the upstream's own error body for a status, used when the fault names none.
 */
export async function applyFault(
  res: ServerResponse,
  fault: Fault,
  errorReply: (status: number) => JsonReply,
): Promise<boolean> {
  switch (fault.kind) {
    case 'status': {
      const reply = errorReply(fault.status);
      sendJson(res, fault.body === undefined ? reply : { ...reply, body: fault.body });
      return true;
    }
    case 'timeout':
      // Nothing to do: the request stays open; close() destroys the socket if the client never aborts.
      return true;
    case 'non-json':
      res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PROXY_ERROR_PAGE);
      return true;
    case 'reset':
      // A plain destroy() sends FIN, which clients report as "other side closed"; RST gives ECONNRESET.
      if (res.socket) res.socket.resetAndDestroy();
      else res.destroy();
      return true;
    case 'slow':
      // Unref'd so a pending delay never holds the process open after the test is done.
      await delay(fault.delayMs, undefined, { ref: false });
      return false;
  }
}

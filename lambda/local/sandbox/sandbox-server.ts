import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyFault, FaultPlan } from './faults.ts';
import { bufferBody, type JsonReply, sendJson } from './http-io.ts';

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  /** The path's single capture group (e.g. the `:id`), or '' for routes without one. */
  param: string;
}

export interface RouteDef<Route extends string> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: RegExp;
  route: Route;
  handle(ctx: RouteContext): JsonReply | Promise<JsonReply>;
}

/** A malformed %-escape is just an id that matches nothing, not a crash of the double. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Plumbing shared by the HTTP doubles: listens on 127.0.0.1, routes, counts calls per route,
 * plays injected faults, and closes hard (a 'timeout' fault must not keep the process alive).
 * Subclasses supply the route table and the upstream's own error bodies.
 */
export abstract class SandboxServer<Route extends string> {
  readonly faults = new FaultPlan<Route>();
  readonly #counts = new Map<Route, number>();
  readonly #server: Server;
  #routes: ReadonlyArray<RouteDef<Route>> | undefined;
  #origin = '';

  protected constructor() {
    this.#server = createServer((req, res) => {
      void this.#dispatch(req, res);
    });
  }

  protected abstract routes(): ReadonlyArray<RouteDef<Route>>;

  /** The upstream's error body for `status`; `route` is undefined when no route matched. */
  protected abstract errorReply(route: Route | undefined, status: number): JsonReply;

  /**
   * Runs after counting and before `admit` and faults, so it sees every request that reached the
   * route (a double logging what each call was about, say).
   */
  protected async observe(_route: Route, _req: IncomingMessage): Promise<void> {}

  /** Runs after counting and before faults (a rate limiter, say); a reply short-circuits. */
  protected admit(_route: Route): JsonReply | undefined {
    return undefined;
  }

  /** `http://127.0.0.1:PORT`, once listening. */
  protected get origin(): string {
    return this.#origin;
  }

  protected async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    this.#origin = `http://127.0.0.1:${address.port}`;
  }

  /** Requests that reached `route`, faulted and rate-limited ones included. */
  callCount(route: Route): number {
    return this.#counts.get(route) ?? 0;
  }

  resetCounts(): void {
    this.#counts.clear();
  }

  close(): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      // close() alone waits for in-flight requests, and a stalled one never finishes.
      this.#server.closeAllConnections();
    });
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let matched: RouteDef<Route> | undefined;
    try {
      const url = new URL(req.url ?? '/', this.#origin);
      let param = '';
      this.#routes ??= this.routes();
      for (const def of this.#routes) {
        const match = def.method === req.method ? def.path.exec(url.pathname) : null;
        if (match) {
          matched = def;
          param = safeDecode(match[1] ?? '');
          break;
        }
      }
      if (!matched) return sendJson(res, this.errorReply(undefined, 404));
      const route = matched.route;
      this.#counts.set(route, this.callCount(route) + 1);
      await this.observe(route, req);
      const refusal = this.admit(route);
      if (refusal) return sendJson(res, refusal);
      const fault = this.faults.take(route);
      if (fault?.kind === 'slow') await bufferBody(req);
      if (fault && (await applyFault(res, fault, (status) => this.errorReply(route, status)))) {
        return;
      }
      sendJson(res, await matched.handle({ req, url, param }));
    } catch (error) {
      // A bug in the double itself: answer like the upstream's 500 and make the cause visible.
      console.error('sandbox double failed on', req.method, req.url, error);
      sendJson(res, this.errorReply(matched?.route, 500));
    }
  }
}

import { randomUUID } from 'node:crypto';
import { SECOND } from '#local/manual-clock.ts';
import { type Answers, cellViolations } from '#test/helpers/crash-checks.ts';
import type { CrashChild } from '#test/helpers/crash-child-process.ts';
import type { CrashRequest, Scenario } from '#test/helpers/crash-scenarios.ts';
import { type CrashPoint, CrashWorld, type LoggedWrite } from '#test/helpers/crash-stack.ts';
import type { HttpResult } from '#test/helpers/test-stack.ts';

/** How the client sends (and resends) the request: as the shipped client, or with a key. */
export type ClientKind = 'plain' | 'idempotency-key';

/** One cell: a scenario whose request's instance dies at `point` (none: the clean run). */
export interface CellResult {
  scenario: string;
  client: ClientKind;
  point?: CrashPoint;
  /** The write it died at (its name as the fault proxy logs it), or `clean`. */
  writeName: string;
  /** Whether the instance died (the crash point was reached). */
  crashed: boolean;
  first: string;
  retry: string;
  /** The writes the request sent before it died (all of them, for the clean run). */
  writes: LoggedWrite[];
  /** `upstreamChanges()` when the request was sent. */
  upstreamAtStart: number;
  violations: string[];
}

/**
 * The cells of one scenario and client, one after another in one world (doubles, fault proxy,
 * table): each cell a license, address and device of its own. An instance of the service
 * serves a cell until it is killed; the instance that answers the retry was started beforehand
 * (another warm instance, as Lambda keeps several) and serves the next cell, while the next
 * standby starts. Every instance is killed and the world closed when `close` returns.
 */
export class CellChain {
  private live: CrashChild | undefined;
  private standby: Promise<CrashChild> | undefined;

  private constructor(
    readonly world: CrashWorld,
    readonly scenario: Scenario,
    readonly client: ClientKind,
  ) {}

  static async start(scenario: Scenario, client: ClientKind): Promise<CellChain> {
    return new CellChain(await CrashWorld.start(), scenario, client);
  }

  /**
   * One cell: set the scene, send the request with a crash armed at `point`; the client then
   * waits out the activation lease and retries on another instance (without a crash: asks again,
   * as if the answer was lost on the way). Then the reaper and the reconciler; then the checks.
   */
  async run(point?: CrashPoint): Promise<CellResult> {
    const { world, scenario } = this;
    const first = await this.take();
    const keysBefore = world.openRouter.keys().length;
    const licensesBefore = licenseHashes(await world.items());
    const prepared = await scenario.prepare(world, first);
    const request = this.client === 'plain' ? prepared.request : withKey(prepared.request);
    const mark = world.writeLog.length;
    const upstreamAtStart = world.upstreamChanges();
    const struck = point ? world.armCrash(point, () => first.kill()) : () => false;
    const answers: Answers = { first: await send(first, request) };
    const writes = world.writeLog.slice(mark);
    const crashed = struck();
    world.disarm();
    if (crashed) {
      await first.kill();
      await world.advance(world.config().policy.activationLeaseMs + SECOND);
      this.live = await this.take();
    }
    answers.retry = await send(this.live ?? first, request);
    const swept = await world.sweep().then(
      (result) => ({ error: undefined, deploymentId: result.deploymentId }),
      (error: unknown) => ({ error, deploymentId: world.config().policy.deploymentId }),
    );
    const items = await world.items();
    const violations = cellViolations({
      world,
      prepared,
      answers,
      deploymentId: swept.deploymentId,
      keys: world.openRouter.keys().slice(keysBefore),
      items,
      newLicenses: [...licenseHashes(items)].filter((hash) => !licensesBefore.has(hash)),
    });
    if (swept.error) violations.unshift(`the sweep failed: ${String(swept.error)}`);
    return {
      scenario: scenario.name,
      client: this.client,
      ...(point ? { point } : {}),
      writeName: point ? (writes[point.write - 1]?.name ?? '(no such write)') : 'clean',
      crashed,
      first: outcome(answers.first),
      retry: outcome(answers.retry),
      writes,
      upstreamAtStart,
      violations,
    };
  }

  async close(): Promise<void> {
    await this.standby?.then((child) => child.kill()).catch(() => undefined);
    await this.world.close();
  }

  /** The instance serving now (a live one, else the standby), and the next standby started. */
  private async take(): Promise<CrashChild> {
    const alive = this.live && this.world.children.has(this.live) ? this.live : undefined;
    const next = alive ?? (await (this.standby ?? this.world.start()));
    if (!alive) this.standby = undefined;
    this.live = next;
    if (!this.standby) {
      this.standby = this.world.start();
      // Its failure is seen where it is taken; until then it must not go unhandled.
      this.standby.catch(() => undefined);
    }
    return next;
  }
}

/** The crash points of a clean run's writes: after each, and before each that follows an upstream change. */
export function crashPoints({ writes, upstreamAtStart }: CellResult): CrashPoint[] {
  return writes.flatMap((write, index) => {
    const before = index === 0 ? upstreamAtStart : (writes[index - 1]?.upstreamChanges ?? 0);
    const point = (when: CrashPoint['when']): CrashPoint => ({ write: index + 1, when });
    return write.upstreamChanges > before ? [point('before'), point('after')] : [point('after')];
  });
}

function licenseHashes(items: Array<Record<string, unknown>>): Set<string> {
  return new Set(
    items
      .filter((item) => item.sk === 'LICENSE' && typeof item.licenseHash === 'string')
      .map((item) => item.licenseHash as string),
  );
}

function withKey(request: CrashRequest): CrashRequest {
  return { ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } };
}

function send(child: CrashChild, request: CrashRequest): Promise<HttpResult> {
  return child.post(request.path, request.body, request.headers);
}

/** An answer in a word or two: `200 trial`, `403 TRIAL_ALREADY_USED`, `no answer`. */
export function outcome(result: HttpResult): string {
  if (result.status === 0) return 'no answer';
  const detail = result.body?.code ?? result.body?.status ?? result.body?.outcome ?? '';
  return `${result.status} ${detail}`.trim();
}

/** A gate that lets at most `limit` tasks run at once, across every caller, in arrival order. */
export function limiter(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** The cells as a table for the closing note: scenario × crash point → outcome. */
export function cellTable(results: CellResult[]): string {
  const rows = results.map((cell) => [
    cell.scenario,
    cell.client,
    cell.point ? `${cell.point.when} ${cell.point.write}` : 'clean',
    cell.writeName,
    cell.first,
    cell.retry,
    cell.violations.length === 0 ? 'PASS' : `FAIL: ${cell.violations.join('; ')}`,
  ]);
  const header = ['scenario', 'client', 'crash', 'at write', 'first', 'retry', 'result'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (column < 6 ? (row[column] ?? '').length : 0))),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column < 6 ? cell.padEnd(widths[column] ?? 0) : cell)).join(' | ');
  return [line(header), ...rows.map(line)].join('\n');
}

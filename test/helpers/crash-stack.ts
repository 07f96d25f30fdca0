import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { rotateKeySet, serializeKeySet } from '#adapters/signing/key-rotation.ts';
import { loadConfig } from '#lambda/config.ts';
import { createDeps } from '#lambda/deps.ts';
import {
  type DynamoDbMeter,
  type ProxiedCall,
  type ProxyAction,
  startDynamoDbMeter,
} from '#local/dynamodb-meter.ts';
import { SANDBOX_SECRETS } from '#local/local-stack.ts';
import { ManualClock, MINUTE } from '#local/manual-clock.ts';
import { LemonSqueezyDouble } from '#local/sandbox/lemonsqueezy-double.ts';
import { OpenRouterDouble } from '#local/sandbox/openrouter-double.ts';
import { DEFAULT_REAP_OPTIONS, reapOrphanKeys } from '#services/reap-orphan-keys.ts';
import {
  DEFAULT_RECONCILE_OPTIONS,
  RECONCILE_SWEEP,
  reconcileLicenses,
} from '#services/reconcile-licenses.ts';
import { type CrashChild, setChildClock, spawnChild } from '#test/helpers/crash-child-process.ts';
import { callName, DynamoDbFaults, isWrite } from '#test/helpers/dynamodb-faults.ts';
import { rememberDoubles } from '#test/helpers/secret-registry.ts';
import { ROOMY_RATE_LIMITS } from '#test/helpers/test-stack.ts';

/** Where an instance dies: just after write k commits, or as it sends write k (1-based). */
export interface CrashPoint {
  write: number;
  when: 'after' | 'before';
}

export interface LoggedWrite {
  name: string;
  /** `upstreamChanges()` when the write was sent. */
  upstreamChanges: number;
}

/**
 * One crash cell's world, all in the test process except the service: the LemonSqueezy and
 * OpenRouter doubles, the fault proxy in front of DynamoDB Local and a table of its own. The
 * service runs in child processes (`start()`), one after another on the same table, the same
 * upstreams, secrets and signing key. Time is the real clock shifted by `offsetMs`, read alike by
 * the doubles, the children and the sweeps; `advance` moves it for all of them.
 */
export class CrashWorld {
  readonly tableName = `crash-${randomUUID()}`;
  readonly children = new Set<CrashChild>();
  /** Every write the service sent, with the upstream changes made before it was sent. */
  readonly writeLog: LoggedWrite[] = [];
  offsetMs = 0;
  private dropArmed: { remaining: number; kill: () => void } | undefined;
  /** The service's environment, shared by every child and by the sweeps. */
  env: Record<string, string> = {};

  private constructor(
    readonly dynamoDbEndpoint: string,
    readonly faults: DynamoDbFaults,
    readonly proxy: DynamoDbMeter,
    readonly lemonSqueezy: LemonSqueezyDouble,
    readonly openRouter: OpenRouterDouble,
  ) {}

  static async start(): Promise<CrashWorld> {
    const dynamoDbEndpoint = inject('dynamoDbEndpoint');
    let world: CrashWorld | undefined;
    const now = () => world?.now() ?? new Date();
    const faults = new DynamoDbFaults();
    const proxy = await startDynamoDbMeter(dynamoDbEndpoint, (call) => world?.hook(call));
    const lemonSqueezy = await LemonSqueezyDouble.start({
      apiKey: SANDBOX_SECRETS.LEMONSQUEEZY_API_KEY,
      now,
    });
    const openRouter = await OpenRouterDouble.start({
      managementKey: SANDBOX_SECRETS.OPENROUTER_API_KEY,
      now,
    });
    world = new CrashWorld(dynamoDbEndpoint, faults, proxy, lemonSqueezy, openRouter);
    world.env = {
      AWS_REGION: 'us-east-1',
      LEMONSQUEEZY_BASE_URL: lemonSqueezy.url,
      LEMONSQUEEZY_API_KEY: SANDBOX_SECRETS.LEMONSQUEEZY_API_KEY,
      OPENROUTER_BASE_URL: openRouter.url,
      OPENROUTER_API_KEY: SANDBOX_SECRETS.OPENROUTER_API_KEY,
      WEBHOOK_SECRET: SANDBOX_SECRETS.WEBHOOK_SECRET,
      DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
      // One lease signing key for every instance, as a deployment's functions share one.
      SIGNING_KEY: serializeKeySet(rotateKeySet(undefined, new Date())),
      UPSTREAM_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'DEBUG',
      LEMONSQUEEZY_BUDGET_PER_MINUTE: '0',
      ...ROOMY_RATE_LIMITS,
    };
    rememberDoubles(world);
    LIVE_WORLDS.add(world);
    return world;
  }

  /**
   * Kills an instance at `point` of its next request: `after` write k committed (the fault
   * proxy's `crash`: the write reaches DynamoDB, the answer never reaches the dead instance), or
   * `before` write k (everything before it done, upstream calls included; the write is dropped
   * and the instance killed as it sends it). Says, when the request is over, whether it struck.
   */
  armCrash(point: CrashPoint, kill: () => Promise<void>): () => boolean {
    if (point.when === 'after') {
      const struck = this.faults.struck.length;
      this.faults.inject({ kind: 'crash', skip: point.write - 1, afterCommit: kill });
      return () => this.faults.struck.length > struck;
    }
    const armed = { remaining: point.write, kill: () => void kill() };
    this.dropArmed = armed;
    return () => armed.remaining === 0;
  }

  /** Clears what `armCrash` armed. */
  disarm(): void {
    this.faults.clear();
    this.dropArmed = undefined;
  }

  /** LemonSqueezy and OpenRouter calls that change something there, so far. */
  upstreamChanges(): number {
    const ls = this.lemonSqueezy;
    const or = this.openRouter;
    return (
      ls.callCount('activate') +
      ls.callCount('deactivate') +
      or.callCount('create') +
      or.callCount('update') +
      or.callCount('delete')
    );
  }

  /** The proxy's hook: logs and names the call (the fault rules strike), or drops it dying. */
  hook(call: ProxiedCall): ProxyAction | undefined {
    const action = this.faults.hook(call);
    if (!isWrite(call)) return action;
    this.writeLog.push({ name: callName(call), upstreamChanges: this.upstreamChanges() });
    const armed = this.dropArmed;
    if (!armed || armed.remaining === 0) return action;
    armed.remaining -= 1;
    if (armed.remaining > 0) return action;
    // SIGKILL is queued before a byte of this answer is written: nobody reads it.
    armed.kill();
    return { refuse: { status: 500, type: 'InternalServerError', message: 'died' } };
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the world's time on by `ms`, the live children's clocks included (acknowledged). */
  async advance(ms: number): Promise<void> {
    this.offsetMs += ms;
    await Promise.all([...this.children].map((child) => setChildClock(child, this.offsetMs)));
  }

  /** Starts an instance of the service in a child process, behind the fault proxy. */
  async start(): Promise<CrashChild> {
    const config = {
      dynamoDbEndpoint: this.proxy.endpoint,
      tableName: this.tableName,
      env: this.env,
      clockOffsetMs: this.offsetMs,
    };
    return spawnChild(config, this.children);
  }

  /**
   * The scheduled repairs, in this process, on the same table: the clock moved past the activation
   * lease and the reaper's minimum key age (every claim and key a dead instance left is stale),
   * then the orphan reaper and a full reconciler run (every usable license confirmed).
   */
  async sweep() {
    await this.advance(DEFAULT_REAP_OPTIONS.minAgeMs + MINUTE);
    const config = this.config();
    const deps = createDeps(config, { clock: new ManualClock(this.now()) });
    const reaped = await reapOrphanKeys(deps);
    await deps.store.saveSweepCursor(RECONCILE_SWEEP, undefined, this.now().toISOString());
    const reconciled = await reconcileLicenses(deps, {
      ...DEFAULT_RECONCILE_OPTIONS,
      staleAfterMs: 0,
      spacingMs: 0,
      orderSpacingMs: 0,
    });
    return { reaped, reconciled, deploymentId: config.policy.deploymentId };
  }

  /** The service's configuration as the children load it, on DynamoDB Local directly. */
  config() {
    return loadConfig({
      ...this.env,
      TABLE_NAME: this.tableName,
      DYNAMODB_ENDPOINT: this.dynamoDbEndpoint,
    });
  }

  /** Every item of the table, read from DynamoDB Local directly. */
  async items(): Promise<Array<Record<string, unknown>>> {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: this.dynamoDbEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const documents = DynamoDBDocumentClient.from(client);
      const scan = new ScanCommand({ TableName: this.tableName, ConsistentRead: true });
      return (await documents.send(scan)).Items ?? [];
    } finally {
      client.destroy();
    }
  }

  async close(): Promise<void> {
    LIVE_WORLDS.delete(this);
    await Promise.all([...this.children].map((child) => child.kill()));
    await Promise.all([this.proxy.close(), this.lemonSqueezy.close(), this.openRouter.close()]);
  }
}

const LIVE_WORLDS = new Set<CrashWorld>();

/** Closes every world still open (its children killed): for an `afterEach`/`afterAll`. */
export async function closeAllWorlds(): Promise<void> {
  await Promise.all([...LIVE_WORLDS].map((world) => world.close()));
}

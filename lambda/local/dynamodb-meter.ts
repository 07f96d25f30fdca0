import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** DynamoDB operations that write (and are billed in WRU), by their X-Amz-Target name. */
const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export interface MeterCounts {
  /** Requests by operation, refused ones (a failed condition) included. */
  calls: Record<string, number>;
  /** Capacity units DynamoDB Local reported consumed, by operation (successful requests only). */
  units: Record<string, number>;
  writes: number;
  reads: number;
  writeUnits: number;
  readUnits: number;
  /** Writes refused by their condition: in AWS they are billed too. */
  failedWrites: number;
}

/** One request on its way to DynamoDB Local, as a proxy hook sees it. */
export interface ProxiedCall {
  /** The X-Amz-Target operation (`PutItem`, `TransactWriteItems`, …). */
  operation: string;
  /** The request's JSON body (low-level AttributeValue form). */
  body: Record<string, unknown>;
}

/** A DynamoDB error answer: its HTTP status, `__type` name and any extra fields. */
export interface ProxyAnswer {
  status: number;
  type: string;
  message: string;
  extra?: Record<string, unknown>;
}

/**
 * What the proxy does with one request: pass it on (the default), answer it with `refuse` without
 * passing it on, or pass it on and, once DynamoDB Local has applied it, call `afterCommit` and
 * answer `lose` instead of the real answer (an answer lost after the write committed). `forward`,
 * when given, is the body passed on instead of the one sent.
 */
export interface ProxyAction {
  refuse?: ProxyAnswer;
  lose?: ProxyAnswer;
  afterCommit?: () => void | Promise<void>;
  forward?: Record<string, unknown>;
}

export type ProxyHook = (call: ProxiedCall) => ProxyAction | undefined;

export interface DynamoDbMeter {
  /** Point the service at this instead of DynamoDB Local. */
  endpoint: string;
  counts(): MeterCounts;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of DynamoDB Local that counts what the service sends, by
 * operation, and the capacity units each request consumed: it asks for them
 * (`ReturnConsumedCapacity: TOTAL`) where the caller did not, and reads them off the answer.
 * Writes are then measured, not derived from where the code is believed to write. DynamoDB Local
 * does not check request signatures, so the rewritten body reaches it as sent. A `hook` may answer
 * a request itself or lose its answer after it committed (test/helpers/dynamodb-faults.ts).
 */
export async function startDynamoDbMeter(target: string, hook?: ProxyHook): Promise<DynamoDbMeter> {
  const upstream = new URL(target);
  const calls = new Map<string, number>();
  const units = new Map<string, number>();
  let failedWrites = 0;
  const add = (map: Map<string, number>, key: string, value: number) =>
    map.set(key, (map.get(key) ?? 0) + value);

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      let body = Buffer.concat(chunks);
      const metered = WRITES.has(operation) || READS.has(operation);
      const action = hook?.({ operation, body: parseBody(body) });
      if (action?.refuse) {
        answerWith(outgoing, action.refuse);
        return;
      }
      if (action?.forward) body = Buffer.from(JSON.stringify(action.forward));
      if (metered) {
        add(calls, operation, 1);
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        parsed.ReturnConsumedCapacity ??= 'TOTAL';
        body = Buffer.from(JSON.stringify(parsed));
      }
      const headers = { ...incoming.headers, 'content-length': String(body.length) };
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', async () => {
            const text = Buffer.concat(parts);
            if (action?.lose) {
              await action.afterCommit?.();
              answerWith(outgoing, action.lose);
              return;
            }
            if (metered) {
              if (answer.statusCode === 200) {
                add(units, operation, consumedUnits(text));
              } else if (WRITES.has(operation)) {
                failedWrites += 1;
              }
            }
            outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
            outgoing.end(text);
          });
        },
      );
      forwarded.on('error', (error) => outgoing.destroy(error));
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sum = (map: Map<string, number>, of: Set<string>) =>
    [...map].reduce((total, [name, value]) => (of.has(name) ? total + value : total), 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({
      calls: Object.fromEntries(calls),
      units: Object.fromEntries(units),
      writes: sum(calls, WRITES),
      reads: sum(calls, READS),
      writeUnits: sum(units, WRITES),
      readUnits: sum(units, READS),
      failedWrites,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** An answer in DynamoDB's own error shape (JSON 1.0: `__type` and `message`). */
function answerWith(outgoing: ServerResponse, answer: ProxyAnswer): void {
  const body = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${answer.type}`,
    message: answer.message,
    ...answer.extra,
  });
  outgoing.writeHead(answer.status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': 'proxy',
  });
  outgoing.end(body);
}

/** The capacity an answer reports: one entry, or one per table for batches and transactions. */
function consumedUnits(body: Buffer): number {
  const parsed = JSON.parse(body.toString('utf8')) as { ConsumedCapacity?: unknown };
  const consumed = parsed.ConsumedCapacity;
  const entries = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return entries.reduce(
    (total: number, entry: { CapacityUnits?: number }) => total + (entry.CapacityUnits ?? 0),
    0,
  );
}

/** What happened between two snapshots. */
export function meterDelta(after: MeterCounts, before: MeterCounts): MeterCounts {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([name, value]) => [name, value - (b[name] ?? 0)]));
  return {
    calls: minus(after.calls, before.calls),
    units: minus(after.units, before.units),
    writes: after.writes - before.writes,
    reads: after.reads - before.reads,
    writeUnits: after.writeUnits - before.writeUnits,
    readUnits: after.readUnits - before.readUnits,
    failedWrites: after.failedWrites - before.failedWrites,
  };
}

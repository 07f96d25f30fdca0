import type { ProxiedCall, ProxyAction, ProxyAnswer, ProxyHook } from '#local/dynamodb-meter.ts';

/**
 * What DynamoDB can do to one request, as AWS documents it:
 * - `throttle`: 400 ProvisionedThroughputExceededException (the SDK retries it);
 * - `throttling`: 400 ThrottlingException (the SDK retries it);
 * - `server`: 500 InternalServerError before anything was written (the SDK retries it);
 * - `conflict`: 400 TransactionConflictException for one item, or TransactionCanceledException
 *   with a TransactionConflict reason for a transaction (not retried by the SDK);
 * - `lost`: the write commits, then its answer is a 500 (the SDK retries the committed write);
 * - `crash`: the write commits, `afterCommit` runs (a test kills the process that sent it), and
 *   no answer comes back in time to matter.
 */
export type FaultKind = 'throttle' | 'throttling' | 'server' | 'conflict' | 'lost' | 'crash';

export const FAULT_KINDS: readonly FaultKind[] = [
  'throttle',
  'throttling',
  'server',
  'conflict',
  'lost',
  'crash',
];

/** One request as the fault proxy saw it, with a readable name of what it writes or reads. */
export interface NamedCall extends ProxiedCall {
  name: string;
}

export interface FaultRule {
  kind: FaultKind;
  /** Which requests it hits (default: every write). */
  match?: (call: NamedCall) => boolean;
  /** Matching requests let through before it strikes (default 0). */
  skip?: number;
  /** How many matching requests it hits, one after another (default 1; `Infinity`: all). */
  times?: number;
  /** For `lost` and `crash`: runs once the write has committed, before the answer. */
  afterCommit?: () => void | Promise<void>;
  /**
   * For `lost` and `crash`: the write reaches DynamoDB without its `ClientRequestToken`, so the
   * SDK's retry (same token) is a new request to DynamoDB and meets the first one's work. AWS
   * honours a token for 10 minutes (and DynamoDB Local honours it too); the service must not
   * rely on it, and this is how a test shows it does not.
   */
  forgetToken?: boolean;
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

export const isWrite = (call: ProxiedCall) => WRITE_OPERATIONS.has(call.operation);

/**
 * Faults for the proxy in front of DynamoDB Local (`startDynamoDbMeter`'s hook): rules a test
 * adds, struck in order, and the log of every request that passed (named, so a test can aim at
 * "the second UpdateItem of a LICENSE item"). Nothing of the service is stubbed: it talks to the
 * proxy exactly as it talks to DynamoDB.
 */
export class DynamoDbFaults {
  readonly calls: NamedCall[] = [];
  /** The faults dealt, in order: which kind hit which request. */
  readonly struck: Array<{ kind: FaultKind; name: string }> = [];
  private rules: Array<FaultRule & { seen: number; hits: number }> = [];

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0, hits: 0 });
  }

  /** Drops every rule (the log stays). */
  clear(): void {
    this.rules = [];
  }

  /** The writes logged since index `from` of `calls`. */
  writesSince(from = 0): NamedCall[] {
    return this.calls.slice(from).filter(isWrite);
  }

  readonly hook: ProxyHook = (call) => {
    const named = { ...call, name: callName(call) };
    this.calls.push(named);
    for (const rule of this.rules) {
      const matches = rule.match ? rule.match(named) : isWrite(named);
      if (!matches) continue;
      rule.seen += 1;
      if (rule.seen <= (rule.skip ?? 0) || rule.hits >= (rule.times ?? 1)) continue;
      rule.hits += 1;
      this.struck.push({ kind: rule.kind, name: named.name });
      return actionOf(rule, named);
    }
    return undefined;
  };
}

function actionOf(rule: FaultRule, call: NamedCall): ProxyAction {
  switch (rule.kind) {
    case 'throttle':
      return refuse(400, 'ProvisionedThroughputExceededException', 'Rate of requests exceeds');
    case 'throttling':
      return refuse(400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
    case 'server':
      return refuse(500, 'InternalServerError', 'Internal server error');
    case 'conflict':
      return call.operation === 'TransactWriteItems'
        ? {
            refuse: {
              status: 400,
              type: 'TransactionCanceledException',
              message:
                'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
              extra: {
                CancellationReasons: transactItems(call).map((_, index) =>
                  index === 0
                    ? {
                        Code: 'TransactionConflict',
                        Message: 'Transaction is ongoing for the item',
                      }
                    : { Code: 'None' },
                ),
              },
            },
          }
        : refuse(400, 'TransactionConflictException', 'Transaction is ongoing for the item');
    case 'lost':
    case 'crash':
      return {
        lose: { status: 500, type: 'InternalServerError', message: 'Internal server error' },
        ...(rule.afterCommit ? { afterCommit: rule.afterCommit } : {}),
        ...(rule.forgetToken ? { forward: withoutToken(call.body) } : {}),
      };
    default: {
      const unhandled: never = rule.kind;
      throw new Error(`unknown fault ${String(unhandled)}`);
    }
  }
}

function withoutToken(body: Record<string, unknown>): Record<string, unknown> {
  const { ClientRequestToken: _token, ...rest } = body;
  return rest;
}

const refuse = (status: number, type: string, message: string): ProxyAction => ({
  refuse: { status, type, message } satisfies ProxyAnswer,
});

function transactItems(call: ProxiedCall): Array<Record<string, Record<string, unknown>>> {
  const items = call.body.TransactItems;
  return Array.isArray(items) ? items : [];
}

/**
 * A request's name: the operation, the kind of item (the key's prefixes) and, for an update,
 * what it sets first, e.g. `UpdateItem LICENSE SET devices.<slot> = :pending`.
 */
export function callName(call: ProxiedCall): string {
  if (call.operation === 'TransactWriteItems') {
    const parts = transactItems(call).map((item) => {
      const [kind, input] = Object.entries(item)[0] ?? ['?', {}];
      return `${kind} ${describe(input as Record<string, unknown>)}`;
    });
    return `TransactWriteItems [${parts.join('; ')}]`;
  }
  return `${call.operation} ${describe(call.body)}`;
}

function describe(input: Record<string, unknown>): string {
  const key = (input.Key ?? input.Item ?? {}) as Record<string, { S?: string }>;
  const kind = (key.pk?.S ?? '?').split('#')[0];
  const sk = (key.sk?.S ?? '').split('#')[0];
  const expression = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
  if (!expression) return `${kind}/${sk}`;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const readable = expression.replace(/#\w+/g, (name) => {
    const value = names[name] ?? name;
    return /^d[0-9a-f]{32}$/.test(value) ? '<slot>' : value;
  });
  return `${kind}/${sk} ${readable.split(',')[0]?.trim() ?? ''}`;
}

import { StandardRetryStrategy } from '@smithy/core/retry';

type RetryToken = Awaited<ReturnType<StandardRetryStrategy['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];

/** DynamoDB's answers that say another write held the item: nothing of this request was written. */
const CONFLICT_NAMES = new Set(['TransactionConflictException', 'TransactionInProgressException']);
/** Cancellation reasons that are contention, not a refusal: the transaction may simply run again. */
const CONTENTION_REASONS = new Set([
  'None',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/**
 * Whether `error` is DynamoDB refusing a request because another one held the item (a single
 * write that met a transaction, or a transaction cancelled only for conflicts or throttling):
 * nothing was written, so the request may run again unchanged.
 */
export function isConflict(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (CONFLICT_NAMES.has(error.name)) return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return (
    (reasons ?? []).length > 0 &&
    (reasons ?? []).every((reason) => CONTENTION_REASONS.has(reason.Code ?? 'None')) &&
    (reasons ?? []).some((reason) => reason.Code !== 'None')
  );
}

/**
 * The SDK's standard retry strategy (attempts, backoff with jitter, retry quota), which also
 * retries conflicts: the SDK leaves TransactionConflictException and a TransactionCanceled for
 * conflicts to the caller, although nothing was written and the same request may simply run
 * again a moment later. A condition failure is never retried (it is an answer, not contention).
 */
export class ConflictRetryStrategy {
  private readonly standard: StandardRetryStrategy;

  constructor(maxAttempts: number) {
    this.standard = new StandardRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return this.standard.acquireInitialRetryToken(scope);
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const info: RetryErrorInfo = isConflict(errorInfo.error)
      ? { ...errorInfo, errorType: 'TRANSIENT' }
      : errorInfo;
    return this.standard.refreshRetryTokenForRetry(token, info);
  }

  recordSuccess(token: RetryToken): void {
    this.standard.recordSuccess(token);
  }
}
